import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { Card, Chip, Page, Select } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatDateTime, formatDuration } from '../../../lib/format';
import { useDeliveries, useRules } from '../api/alerts';
import { AlertsNav } from '../components/AlertsNav';
import '../alerts.css';

const TONE: Record<string, string> = {
  delivered: 'ok',
  failed: 'failed',
  pending: 'pending',
  sending: 'running',
  skipped: 'cancelled',
};

/** /alerts/deliveries: every notice per channel, its status, attempts and the receiver's answers. */
export default function DeliveriesPage() {
  const { t } = useTranslation('alerts');
  const [search, setSearch] = useSearchParams();
  const alertId = search.get('alertId') || undefined;
  const ruleId = search.get('ruleId') || undefined;
  const deliveries = useDeliveries({ alertId, ruleId });
  const rules = useRules();
  return (
    <Page title={t('deliveries.title')}>
      <AlertsNav />
      <Card>
        <Select
          label={t('deliveries.rule')}
          value={ruleId ?? ''}
          onChange={(e) => setSearch(e.target.value ? { ruleId: e.target.value } : {}, { replace: true })}
          options={[
            { value: '', label: t('deliveries.all') },
            ...(rules.data ?? []).map((r) => ({ value: r.id, label: r.name })),
          ]}
        />
      </Card>
      <QueryView query={deliveries}>
        {(d) =>
          d.items.length === 0 ? (
            <Empty title={t('deliveries.empty')} />
          ) : (
            <Card>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('deliveries.created')}</th>
                      <th scope="col">{t('deliveries.channel')}</th>
                      <th scope="col">{t('deliveries.event')}</th>
                      <th scope="col">{t('deliveries.status')}</th>
                      <th scope="col">{t('deliveries.attempts')}</th>
                      <th scope="col">{t('deliveries.response')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.items.map((x) => (
                      <tr key={x.id}>
                        <td>{formatDateTime(x.createdAt)}</td>
                        <td>{t(`editor.${x.channel}`)}</td>
                        <td className="alerts-mono">{x.event}</td>
                        <td>
                          <Chip value={TONE[x.status] ?? 'info'} label={t(`status.${x.status}`)} />
                        </td>
                        <td>
                          {x.attempts.length === 0 ? (
                            x.attemptCount
                          ) : (
                            <details>
                              <summary>
                                {x.attemptCount} {t('deliveries.showAttempts')}
                              </summary>
                              <ol>
                                {x.attempts.map((a) => (
                                  <li key={a.attempt}>
                                    {formatDateTime(a.startedAt)} · {formatDuration(a.durationMs)}
                                    {a.statusCode !== null ? ` · HTTP ${a.statusCode}` : ''}
                                    {a.error ? ` · ${a.error}` : ''}
                                  </li>
                                ))}
                              </ol>
                            </details>
                          )}
                        </td>
                        <td className="alerts-mono">
                          {x.lastStatusCode !== null ? `HTTP ${x.lastStatusCode} ` : ''}
                          {x.lastError ?? ''}
                          {x.deliveredAt && !x.lastError ? formatDateTime(x.deliveredAt) : ''}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </Card>
          )
        }
      </QueryView>
    </Page>
  );
}
