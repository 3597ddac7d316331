import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import type { BodyOf, ResponseOf } from '../../../lib/api/types';
import { Card, FormError, Page } from '../../../components/ui';
import { QueryView } from '../../../components/states';
import { paths } from '../../../lib/paths';
import { notificationKeys } from '../api/keys';
import '../notifications.css';

type Preferences = ResponseOf<'/api/notifications/preferences', 'get'>;
type Change = BodyOf<'/api/notifications/preferences', 'put'>;
type Kind = keyof Preferences['categories'];
const KINDS: Kind[] = ['test_failed', 'test_completed', 'alert_triggered', 'quota_warning', 'system_update'];
const CHANNELS = ['in_app', 'email'] as const;

/** Which notifications arrive where: a grid of type × channel, and each channel's master switch. */
export default function PreferencesPage() {
  const { t } = useTranslation('notifications');
  const queryClient = useQueryClient();
  const prefs = useQuery({
    queryKey: notificationKeys.preferences,
    queryFn: () => call(api.GET('/api/notifications/preferences')),
  });
  const save = useMutation({
    mutationFn: (body: Change) => call(api.PUT('/api/notifications/preferences', { body })),
    onSuccess: (data) => queryClient.setQueryData(notificationKeys.preferences, data),
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationKeys.preferences }),
  });
  return (
    <Page
      title={t('preferences.title')}
      actions={
        <Link className="btn" to={paths.notifications}>
          {t('preferences.back')}
        </Link>
      }
    >
      <FormError error={save.error} />
      <QueryView query={prefs}>
        {(p) => (
          <>
            <Card title={t('preferences.channels')}>
              <p className="muted">{t('preferences.channelsHint')}</p>
              <div className="row">
                <label className="row">
                  <input
                    type="checkbox"
                    checked={p.pushEnabled}
                    disabled={save.isPending}
                    onChange={(e) => save.mutate({ pushEnabled: e.target.checked })}
                  />
                  {t('preferences.pushEnabled')}
                </label>
                <label className="row">
                  <input
                    type="checkbox"
                    checked={p.emailEnabled}
                    disabled={save.isPending}
                    onChange={(e) => save.mutate({ emailEnabled: e.target.checked })}
                  />
                  {t('preferences.emailEnabled')}
                </label>
              </div>
            </Card>
            <Card title={t('preferences.byType')}>
              <div className="table-wrap">
                <table className="prefs-grid">
                  <thead>
                    <tr>
                      <th scope="col">{t('preferences.type')}</th>
                      <th scope="col">{t('preferences.in_app')}</th>
                      <th scope="col">{t('preferences.email')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {KINDS.map((kind) => (
                      <tr key={kind}>
                        <th scope="row">{t(`types.${kind}`)}</th>
                        {CHANNELS.map((ch) => {
                          const master = ch === 'in_app' ? p.pushEnabled : p.emailEnabled;
                          return (
                            <td key={ch}>
                              <input
                                type="checkbox"
                                aria-label={`${t(`types.${kind}`)}: ${t(`preferences.${ch}`)}`}
                                checked={p.categories[kind][ch]}
                                disabled={save.isPending || !master}
                                onChange={(e) =>
                                  save.mutate({ categories: { [kind]: { [ch]: e.target.checked } } })
                                }
                              />
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          </>
        )}
      </QueryView>
    </Page>
  );
}
