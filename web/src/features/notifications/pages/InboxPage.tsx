import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Chip, FormError, Page } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { useInbox, useInboxActions, type Notification } from '../hooks/use-notifications';
import '../notifications.css';

const TONE: Record<string, string> = {
  test_completed: 'passed',
  test_failed: 'failed',
  alert_triggered: 'firing',
  quota_warning: 'pending',
  system_update: 'info',
};

/** The inbox: newest first, unread ones marked; open one to read it and go where it points. */
export default function InboxPage() {
  const { t } = useTranslation('notifications');
  const navigate = useNavigate();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const inbox = useInbox(unreadOnly);
  const actions = useInboxActions();
  const items = inbox.data?.pages.flatMap((p) => p.items) ?? [];
  const error = actions.read.error ?? actions.readSome.error ?? actions.readAll.error ?? actions.remove.error;

  function toggle(id: string, on: boolean) {
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  function open(n: Notification) {
    const go = () => {
      const url = n.actionUrl;
      if (!url) return;
      if (url.startsWith('/')) void navigate(url);
      else window.location.assign(url);
    };
    if (n.read) go();
    else actions.read.mutate(n.id, { onSettled: go });
  }

  const allSelected = items.length > 0 && items.every((n) => selected.has(n.id));

  return (
    <Page
      title={t('title')}
      actions={
        <>
          <Link className="btn" to={paths.notificationPreferences}>
            {t('preferences.link')}
          </Link>
          <button
            type="button"
            className="btn btn-primary"
            disabled={actions.readAll.isPending}
            onClick={() => actions.readAll.mutate(undefined, { onSuccess: () => setSelected(new Set()) })}
          >
            {t('inbox.readAll')}
          </button>
        </>
      }
    >
      <FormError error={error} />
      <section className="card" aria-label={t('inbox.listLabel')}>
        <div className="row inbox-toolbar">
          <div className="segmented" role="group" aria-label={t('inbox.filter')}>
            <button
              type="button"
              className="btn btn-small"
              aria-pressed={!unreadOnly}
              onClick={() => {
                setUnreadOnly(false);
                setSelected(new Set());
              }}
            >
              {t('inbox.all')}
            </button>
            <button
              type="button"
              className="btn btn-small"
              aria-pressed={unreadOnly}
              onClick={() => {
                setUnreadOnly(true);
                setSelected(new Set());
              }}
            >
              {t('inbox.unread')}
            </button>
          </div>
          <div className="row">
            <label className="row">
              <input
                type="checkbox"
                checked={allSelected}
                disabled={items.length === 0}
                onChange={(e) => setSelected(e.target.checked ? new Set(items.map((n) => n.id)) : new Set())}
              />
              {t('inbox.selectAll')}
            </label>
            <button
              type="button"
              className="btn btn-small"
              disabled={selected.size === 0 || actions.readSome.isPending}
              onClick={() =>
                actions.readSome.mutate([...selected].slice(0, 100), {
                  onSuccess: () => setSelected(new Set()),
                })
              }
            >
              {t('inbox.readSelected', { count: selected.size })}
            </button>
          </div>
        </div>
        <QueryView query={inbox}>
          {() =>
            items.length === 0 ? (
              <Empty title={unreadOnly ? t('inbox.emptyUnread') : t('inbox.empty')}>
                <p>{t('inbox.emptyHint')}</p>
              </Empty>
            ) : (
              <>
                <ul className="inbox-list">
                  {items.map((n) => (
                    <li key={n.id} className={`inbox-item ${n.read ? 'read' : 'unread'}`}>
                      <input
                        type="checkbox"
                        aria-label={t('inbox.select', { title: n.title })}
                        checked={selected.has(n.id)}
                        onChange={(e) => toggle(n.id, e.target.checked)}
                      />
                      <div>
                        <button type="button" className="btn-link inbox-title" onClick={() => open(n)}>
                          {!n.read && <span className="unread-dot" aria-hidden="true" />}
                          {n.title}
                          {!n.read && <span className="sr-only"> ({t('inbox.unreadMark')})</span>}
                        </button>
                        {n.content && <p className="inbox-content">{n.content}</p>}
                        <div className="row inbox-meta muted">
                          <Chip value={TONE[n.type] ?? 'info'} label={t(`types.${n.type}`, n.type)} />
                          <time dateTime={n.createdAt} title={formatDateTime(n.createdAt)}>
                            {formatRelative(n.createdAt)}
                          </time>
                        </div>
                      </div>
                      <div className="row">
                        {!n.read && (
                          <button
                            type="button"
                            className="btn btn-small"
                            aria-label={t('inbox.markReadOne', { title: n.title })}
                            onClick={() => actions.read.mutate(n.id)}
                          >
                            {t('inbox.markRead')}
                          </button>
                        )}
                        <button
                          type="button"
                          className="btn btn-small btn-danger"
                          aria-label={t('inbox.deleteOne', { title: n.title })}
                          onClick={() => {
                            toggle(n.id, false);
                            actions.remove.mutate(n.id);
                          }}
                        >
                          {t('inbox.delete')}
                        </button>
                      </div>
                    </li>
                  ))}
                </ul>
                {inbox.hasNextPage && (
                  <div className="row" style={{ justifyContent: 'center', marginTop: '0.75rem' }}>
                    <button
                      type="button"
                      className="btn"
                      disabled={inbox.isFetchingNextPage}
                      onClick={() => void inbox.fetchNextPage()}
                    >
                      {inbox.isFetchingNextPage ? t('inbox.loadingMore') : t('inbox.more')}
                    </button>
                  </div>
                )}
              </>
            )
          }
        </QueryView>
      </section>
    </Page>
  );
}
