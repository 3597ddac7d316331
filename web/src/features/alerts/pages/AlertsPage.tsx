import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Card, Chip, Page } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatDateTime, formatMetric } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { useRules } from '../api/alerts';
import { AlertsNav } from '../components/AlertsNav';
import '../alerts.css';

/** /alerts: the alert rules. */
export default function AlertsPage() {
  const { t } = useTranslation('alerts');
  const rules = useRules();
  const newRule = (
    <Link className="btn btn-primary" to={paths.newAlertRule}>
      {t('rules.new')}
    </Link>
  );
  return (
    <Page title={t('rules.title')} actions={newRule}>
      <AlertsNav />
      <QueryView query={rules}>
        {(items) =>
          items.length === 0 ? (
            <Empty title={t('rules.empty')}>{newRule}</Empty>
          ) : (
            <Card>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('rules.name')}</th>
                      <th scope="col">{t('rules.watches')}</th>
                      <th scope="col">{t('rules.severity')}</th>
                      <th scope="col">{t('rules.channels')}</th>
                      <th scope="col">{t('rules.state')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((r) => (
                      <tr key={r.id}>
                        <td>
                          <Link to={paths.alertRule(r.id)}>{r.name}</Link>
                        </td>
                        <td className="alerts-mono">
                          {r.metricName} {t(`condition.${r.condition}`)}{' '}
                          {r.condition === 'absent' ? '' : formatMetric(r.threshold)}
                          {r.scope.testType ? ` · ${r.scope.testType}` : ''}
                        </td>
                        <td>
                          <Chip value={r.severity} label={t(`severity.${r.severity}`)} />
                        </td>
                        <td>{r.channels.map((c) => t(`editor.${c}`)).join(', ')}</td>
                        <td>
                          <Chip
                            value={r.isActive ? 'active' : 'paused'}
                            label={r.isActive ? t('rules.active') : t('rules.inactive')}
                          />
                          {r.mutedUntil && new Date(r.mutedUntil) > new Date() && (
                            <span className="muted">
                              {' '}
                              {t('rules.mutedUntil', { when: formatDateTime(r.mutedUntil) })}
                            </span>
                          )}
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
