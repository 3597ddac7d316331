import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Card, Chip, Page } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatRelative, formatDateTime } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { useSchedules } from '../api/schedules';
import { LastResult, timingText } from '../components/ScheduleBits';
import { ScheduleActions } from '../components/ScheduleActions';
import '../schedules.css';

export default function SchedulesPage() {
  const { t } = useTranslation('schedules');
  const schedules = useSchedules();
  return (
    <Page
      title={t('title')}
      actions={
        <Link className="btn btn-primary" to={paths.newSchedule}>
          {t('new')}
        </Link>
      }
    >
      <QueryView query={schedules}>
        {(items) =>
          items.length === 0 ? (
            <Empty title={t('empty')}>
              <Link className="btn btn-primary" to={paths.newSchedule}>
                {t('new')}
              </Link>
            </Empty>
          ) : (
            <>
              <div className="sched-figures">
                {(
                  [
                    ['total', items.length],
                    ['active', items.filter((s) => s.enabled).length],
                    ['paused', items.filter((s) => !s.enabled).length],
                  ] as const
                ).map(([k, v]) => (
                  <div className="card sched-figure" key={k}>
                    <span className="sched-value">{v}</span>
                    <span className="muted">{t(`figures.${k}`)}</span>
                  </div>
                ))}
              </div>
              <Card>
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">{t('col.name')}</th>
                        <th scope="col">{t('col.url')}</th>
                        <th scope="col">{t('col.type')}</th>
                        <th scope="col">{t('col.timing')}</th>
                        <th scope="col">{t('col.next')}</th>
                        <th scope="col">{t('col.last')}</th>
                        <th scope="col">{t('col.state')}</th>
                        <th scope="col">{t('col.actions')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {items.map((s) => (
                        <tr key={s.id}>
                          <td>
                            <Link to={paths.schedule(s.id)}>{s.name}</Link>
                          </td>
                          <td className="sched-url">{s.url}</td>
                          <td>{s.type}</td>
                          <td className="mono">{timingText(s, t)}</td>
                          <td title={formatDateTime(s.nextRunAt)}>
                            {s.enabled ? formatRelative(s.nextRunAt) : '—'}
                          </td>
                          <td>
                            <LastResult id={s.id} />
                          </td>
                          <td>
                            <Chip
                              value={s.enabled ? 'active' : 'paused'}
                              label={s.enabled ? t('state.active') : t('state.paused')}
                            />
                          </td>
                          <td>
                            <ScheduleActions schedule={s} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </Card>
            </>
          )
        }
      </QueryView>
    </Page>
  );
}
