import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Card, FormError, Select } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { adminApi, adminKeys, type OutboxItem, type OutboxStatus } from '../api/admin-api';
import { AdminLayout } from '../components/AdminLayout';
import { BroadcastForm } from '../components/BroadcastForm';
import { Figures } from '../components/Figures';
import { LoadMore } from '../components/LoadMore';
import { StatusChip } from '../components/StatusChip';
import { useCursorList } from '../hooks/use-cursor-list';

const STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed'];

/** The e-mail outbox (filter, read a message, retry a failed one) and the broadcast form. */
export default function OutboxPage() {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const [status, setStatus] = useState<OutboxStatus | ''>('');
  const [open, setOpen] = useState<string | null>(null);
  const list = useCursorList(
    adminKeys.outbox(status || undefined),
    (c) => adminApi.outbox(status || undefined, c),
    {
      refetchInterval: 15_000,
    },
  );
  const retry = useMutation({
    mutationFn: (id: string) => adminApi.retryEmail(id),
    onSettled: (_d, _e, id) =>
      Promise.all([
        qc.invalidateQueries({ queryKey: adminKeys.allOutbox }),
        qc.invalidateQueries({ queryKey: adminKeys.outboxMessage(id) }),
      ]),
  });

  return (
    <AdminLayout title={t('outbox.title')}>
      <Card title={t('outbox.messages')}>
        <div className="admin-toolbar">
          <Select
            label={t('outbox.filter')}
            value={status}
            onChange={(e) => setStatus(e.target.value as OutboxStatus | '')}
            options={[
              { value: '', label: t('outbox.all') },
              ...STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })),
            ]}
          />
        </div>
        <FormError error={retry.error} />
        <QueryView query={list}>
          {() =>
            list.items.length === 0 ? (
              <Empty title={t('outbox.empty')} />
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('outbox.to')}</th>
                      <th scope="col">{t('outbox.subject')}</th>
                      <th scope="col">{t('outbox.status')}</th>
                      <th scope="col" className="num">
                        {t('outbox.attempts')}
                      </th>
                      <th scope="col">{t('outbox.created')}</th>
                      <th scope="col">{t('outbox.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.items.map((m) => (
                      <Row
                        key={m.id}
                        item={m}
                        open={open === m.id}
                        onToggle={() => setOpen(open === m.id ? null : m.id)}
                        onRetry={() => retry.mutate(m.id)}
                        retrying={retry.isPending && retry.variables === m.id}
                      />
                    ))}
                  </tbody>
                </table>
                <LoadMore query={list} />
              </div>
            )
          }
        </QueryView>
      </Card>
      {open && <MessageDetail id={open} onClose={() => setOpen(null)} />}
      <BroadcastForm />
    </AdminLayout>
  );
}

function Row({
  item: m,
  open,
  onToggle,
  onRetry,
  retrying,
}: {
  item: OutboxItem;
  open: boolean;
  onToggle: () => void;
  onRetry: () => void;
  retrying: boolean;
}) {
  const { t } = useTranslation('admin');
  return (
    <tr>
      <td>{m.to}</td>
      <td>
        {m.subject}
        <div className="muted">
          <code>{m.template}</code> · {m.locale}
        </div>
      </td>
      <td>
        <StatusChip value={m.status} />
        {m.lastError && <div className="muted">{m.lastError}</div>}
      </td>
      <td className="num">{m.attempts}</td>
      <td title={formatDateTime(m.createdAt)}>{formatRelative(m.createdAt)}</td>
      <td>
        <div className="admin-actions">
          <button
            type="button"
            className="btn btn-small"
            aria-expanded={open}
            aria-label={t('outbox.viewMessage', { subject: m.subject, to: m.to })}
            onClick={onToggle}
          >
            {t('outbox.view')}
          </button>
          {m.status === 'failed' && (
            <button
              type="button"
              className="btn btn-small"
              disabled={retrying}
              aria-label={t('outbox.retryMessage', { subject: m.subject, to: m.to })}
              onClick={onRetry}
            >
              {t('outbox.retry')}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

function MessageDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const { t: common } = useTranslation();
  const message = useQuery({
    queryKey: adminKeys.outboxMessage(id),
    queryFn: () => adminApi.outboxMessage(id),
  });
  return (
    <Card
      title={t('outbox.detail')}
      actions={
        <button type="button" className="btn btn-small" onClick={onClose}>
          {common('action.close')}
        </button>
      }
    >
      <QueryView query={message}>
        {(m) => (
          <>
            <Figures
              items={[
                { label: t('outbox.to'), value: m.to },
                { label: t('outbox.subject'), value: m.subject },
                { label: t('outbox.status'), value: <StatusChip value={m.status} /> },
                { label: t('outbox.attempts'), value: m.attempts },
                { label: t('outbox.nextAttempt'), value: formatDateTime(m.nextAttemptAt) },
                { label: t('outbox.sent'), value: formatDateTime(m.sentAt) },
              ]}
            />
            {m.lastError && <p className="form-error">{m.lastError}</p>}
            <p className="muted">
              {t('outbox.messageId')}: <code>{m.messageId}</code>
            </p>
            <div className="admin-grid-2">
              <div>
                <h3>{t('outbox.html')}</h3>
                {/* The e-mail's HTML in a sandbox: no script, no same-origin access to the dashboard. */}
                <iframe
                  className="admin-mail"
                  sandbox=""
                  srcDoc={m.html}
                  title={t('outbox.htmlFrame', { subject: m.subject })}
                />
              </div>
              <div>
                <h3>{t('outbox.text')}</h3>
                <pre className="admin-pre">{m.text}</pre>
              </div>
            </div>
          </>
        )}
      </QueryView>
    </Card>
  );
}
