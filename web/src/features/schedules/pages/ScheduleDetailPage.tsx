import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Card, Chip, Page } from '../../../components/ui';
import { Empty, ErrorState, Loading, QueryView } from '../../../components/states';
import { formatDateTime, formatMetric, formatRelative } from '../../../lib/format';
import { paths } from '../../../lib/paths';
import { useEngines } from '../../../lib/api/engines';
import {
  useSchedule,
  useScheduleRuns,
  useScheduleSummary,
  useLatestResult,
  type Schedule,
} from '../api/schedules';
import { HistoryChart } from '../components/HistoryChart';
import { ScheduleActions } from '../components/ScheduleActions';
import { LastResult, timingText } from '../components/ScheduleBits';
import '../schedules.css';

function Summary({ id }: { id: string }) {
  const { t } = useTranslation('schedules');
  const summary = useScheduleSummary(id);
  return (
    <Card title={t('detail.summary')}>
      <QueryView query={summary}>
        {(s) => (
          <>
            <div className="sched-figures">
              {(['last24h', 'last7d', 'last30d'] as const).map((w) => (
                <div className="card sched-figure" key={w}>
                  <span className="muted">{t(`detail.window.${w}`)}</span>
                  <span className="sched-value">{formatMetric(s[w].successRate, 'ratio')}</span>
                  <span className="muted small">
                    {t('detail.successRate')} · {t('detail.runsCount')} {formatMetric(s[w].runs, 'count')} ·{' '}
                    {t('detail.failedCount')} {formatMetric(s[w].failed, 'count')} · {t('detail.skipped')}{' '}
                    {formatMetric(s[w].skipped, 'count')}
                  </span>
                </div>
              ))}
            </div>
            <p>
              <strong>{t('detail.lastFailure')}:</strong>{' '}
              {s.lastFailure ? (
                <>
                  <Link to={paths.test(s.lastFailure.testId)}>{formatDateTime(s.lastFailure.at)}</Link> —{' '}
                  {s.lastFailure.reason}
                </>
              ) : (
                <span className="muted">{t('detail.noFailure')}</span>
              )}
            </p>
          </>
        )}
      </QueryView>
    </Card>
  );
}

function History({ schedule }: { schedule: Schedule }) {
  const { t } = useTranslation('schedules');
  const engines = useEngines();
  const latest = useLatestResult(schedule.id);
  const [picked, setPicked] = useState<string | null>(null);
  const pickerId = useId();
  if (engines.isPending || latest.isPending) return <Loading />;
  if (engines.error) return <ErrorState error={engines.error} retry={() => void engines.refetch()} />;
  const metrics = engines.data.find((e) => e.name === schedule.type)?.metrics ?? [];
  const reported = Object.keys(latest.data?.metrics ?? {});
  const metric =
    picked ?? metrics.find((m) => reported.includes(m.name))?.name ?? metrics[0]?.name ?? reported[0] ?? null;
  const unit = metrics.find((m) => m.name === metric)?.unit ?? '';
  const description = metrics.find((m) => m.name === metric)?.description;
  return (
    <Card title={t('detail.history')}>
      {metric === null ? (
        <Empty title={t('detail.noPoints')} />
      ) : (
        <>
          <div className="field">
            <label htmlFor={pickerId}>{t('detail.metric')}</label>
            <select id={pickerId} value={metric} onChange={(e) => setPicked(e.target.value)}>
              {metrics.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name}
                  {m.unit ? ` (${m.unit})` : ''}
                </option>
              ))}
            </select>
            {description && <small className="muted">{description}</small>}
          </div>
          <HistoryChart id={schedule.id} metric={metric} unit={unit} />
        </>
      )}
    </Card>
  );
}

function Runs({ id }: { id: string }) {
  const { t } = useTranslation('schedules');
  const runs = useScheduleRuns(id);
  return (
    <Card title={t('detail.recentRuns')}>
      <QueryView query={runs}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty title={t('detail.noRuns')} />
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('detail.tick')}</th>
                    <th scope="col">{t('detail.kind')}</th>
                    <th scope="col">{t('detail.outcome')}</th>
                    <th scope="col">{t('detail.test')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((r) => (
                    <tr key={`${r.tickAt}-${r.kind}`}>
                      <td>{formatDateTime(r.tickAt)}</td>
                      <td>{t(`kind.${r.kind}`)}</td>
                      <td>
                        <Chip
                          value={
                            r.outcome === 'queued'
                              ? 'queued'
                              : r.outcome === 'pending'
                                ? 'pending'
                                : 'cancelled'
                          }
                          label={t(`outcome.${r.outcome}`)}
                        />
                        {r.error && <span className="muted small"> {r.error}</span>}
                      </td>
                      <td>{r.testId ? <Link to={paths.test(r.testId)}>{t('detail.open')}</Link> : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryView>
    </Card>
  );
}

export default function ScheduleDetailPage() {
  const { t } = useTranslation('schedules');
  const { id = '' } = useParams();
  const schedule = useSchedule(id);
  return (
    <QueryView query={schedule}>
      {(s) => (
        <Page title={s.name} actions={<ScheduleActions schedule={s} afterDelete={paths.schedules} />}>
          <div className="sched-detail">
            <Card title={t('detail.definition')}>
              <dl className="sched-dl">
                <dt>{t('col.url')}</dt>
                <dd>{s.url}</dd>
                <dt>{t('col.type')}</dt>
                <dd>{s.type}</dd>
                <dt>{t('col.timing')}</dt>
                <dd className="mono">{timingText(s, t)}</dd>
                <dt>{t('col.state')}</dt>
                <dd>
                  <Chip
                    value={s.enabled ? 'active' : 'paused'}
                    label={s.enabled ? t('state.active') : t('state.paused')}
                  />
                </dd>
                <dt>{t('detail.nextRun')}</dt>
                <dd>{s.enabled ? `${formatDateTime(s.nextRunAt)} (${formatRelative(s.nextRunAt)})` : '—'}</dd>
                <dt>{t('detail.lastRun')}</dt>
                <dd>
                  {formatDateTime(s.lastRunAt)} <LastResult id={s.id} />
                </dd>
                <dt>{t('detail.counters')}</dt>
                <dd>
                  {t('detail.runs')} {formatMetric(s.counters.runs, 'count')} · {t('detail.skipped')}{' '}
                  {formatMetric(
                    s.counters.skippedOverlap + s.counters.skippedLimit + s.counters.skippedQuota,
                    'count',
                  )}{' '}
                  · {t('detail.rejected')} {formatMetric(s.counters.rejected, 'count')}
                </dd>
              </dl>
            </Card>
            <Summary id={s.id} />
            <History schedule={s} />
            <Runs id={s.id} />
          </div>
        </Page>
      )}
    </QueryView>
  );
}
