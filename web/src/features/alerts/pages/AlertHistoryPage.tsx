import { useId } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Card, Chip, FormError, Page, Select } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatDateTime, formatMetric, formatRelative } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { useChannel } from '../../../lib/realtime/use-channel';
import { alertKeys, useAcknowledge, useAlertHistory, useRules, type HistoryFilters } from '../api/alerts';
import { AlertsNav } from '../components/AlertsNav';
import '../alerts.css';

/** /alerts/history: fired and resolved alerts, filtered, acknowledged; live on user-notifications. */
export default function AlertHistoryPage() {
  const { t } = useTranslation('alerts');
  const qc = useQueryClient();
  const [search, setSearch] = useSearchParams();
  const filters: HistoryFilters = {
    state: (search.get('state') as HistoryFilters['state']) || undefined,
    severity: (search.get('severity') as HistoryFilters['severity']) || undefined,
    ruleId: search.get('ruleId') || undefined,
  };
  const history = useAlertHistory(filters);
  const rules = useRules();
  const ack = useAcknowledge();
  const filtersId = useId();
  const refresh = () => void qc.invalidateQueries({ queryKey: alertKeys.history });
  useChannel('user-notifications', {
    message: (m) => {
      if (m.event === 'alert.triggered' || m.event === 'alert.resolved') refresh();
    },
    gap: refresh,
  });
  const setFilter = (k: string, v: string) => {
    const next = new URLSearchParams(search);
    if (v) next.set(k, v);
    else next.delete(k);
    setSearch(next, { replace: true });
  };
  const ruleName = (id: string | null) => rules.data?.find((r) => r.id === id)?.name;

  return (
    <Page title={t('history.title')}>
      <AlertsNav />
      <Card>
        <div className="alerts-filters" role="search" aria-labelledby={filtersId}>
          <h2 id={filtersId} className="sr-only">
            {t('history.filters')}
          </h2>
          <Select
            label={t('history.state')}
            value={filters.state ?? ''}
            onChange={(e) => setFilter('state', e.target.value)}
            options={[
              { value: '', label: t('history.all') },
              { value: 'firing', label: t('state.firing') },
              { value: 'resolved', label: t('state.resolved') },
            ]}
          />
          <Select
            label={t('history.severity')}
            value={filters.severity ?? ''}
            onChange={(e) => setFilter('severity', e.target.value)}
            options={[
              { value: '', label: t('history.all') },
              ...(['low', 'medium', 'high', 'critical'] as const).map((s) => ({
                value: s,
                label: t(`severity.${s}`),
              })),
            ]}
          />
          <Select
            label={t('history.rule')}
            value={filters.ruleId ?? ''}
            onChange={(e) => setFilter('ruleId', e.target.value)}
            options={[
              { value: '', label: t('history.all') },
              ...(rules.data ?? []).map((r) => ({ value: r.id, label: r.name })),
            ]}
          />
        </div>
      </Card>
      <FormError error={ack.error} />
      <QueryView query={history}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty title={t('history.empty')} />
          ) : (
            <Card>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('history.state')}</th>
                      <th scope="col">{t('history.alert')}</th>
                      <th scope="col">{t('history.value')}</th>
                      <th scope="col">{t('history.triggered')}</th>
                      <th scope="col">{t('history.resolved')}</th>
                      <th scope="col">{t('history.ack')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((a) => {
                      const m = a.metric as {
                        name?: string;
                        value?: number;
                        threshold?: number;
                        testId?: string;
                      };
                      return (
                        <tr key={a.id} data-alert-id={a.id}>
                          <td>
                            <Chip value={a.state} label={t(`state.${a.state}`)} />{' '}
                            <Chip value={a.severity} label={t(`severity.${a.severity}`)} />
                          </td>
                          <td>
                            <strong>{a.title}</strong>
                            {a.ruleId && ruleName(a.ruleId) && (
                              <>
                                {' · '}
                                <Link to={paths.alertRule(a.ruleId)}>{ruleName(a.ruleId)}</Link>
                              </>
                            )}
                            {m.testId && (
                              <>
                                {' · '}
                                <Link to={paths.test(m.testId)}>{t('history.test')}</Link>
                              </>
                            )}
                            {' · '}
                            <Link to={`${paths.alertDeliveries}?alertId=${a.id}`}>
                              {t('history.deliveries')}
                            </Link>
                          </td>
                          <td className="alerts-mono">
                            {m.name} = {formatMetric(m.value)}
                            {m.threshold !== undefined && m.threshold !== null
                              ? ` (${formatMetric(m.threshold)})`
                              : ''}
                          </td>
                          <td title={formatDateTime(a.triggeredAt)}>{formatRelative(a.triggeredAt)}</td>
                          <td>{a.resolvedAt ? formatDateTime(a.resolvedAt) : '—'}</td>
                          <td>
                            {a.acknowledgedAt ? (
                              <span className="muted">
                                {t('history.ackedAt', { when: formatRelative(a.acknowledgedAt) })}
                              </span>
                            ) : (
                              <button
                                type="button"
                                className="btn btn-small"
                                disabled={ack.isPending}
                                onClick={() => ack.mutate(a.id)}
                                aria-label={`${t('history.acknowledge')}: ${a.title}`}
                              >
                                {t('history.acknowledge')}
                              </button>
                            )}
                          </td>
                        </tr>
                      );
                    })}
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
