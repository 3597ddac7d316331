import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Card, Select } from '../../../components/ui';
import { Empty, QueryView } from '../../../components/states';
import { formatDateTime, formatMetric, formatRelative } from '../../../lib/format';
import { useChannel } from '../../../lib/realtime/use-channel';
import { adminApi, adminKeys, type Overview } from '../api/admin-api';
import { AdminLayout } from '../components/AdminLayout';
import { Figures } from '../components/Figures';
import { LoadMore } from '../components/LoadMore';
import { MetricChart, type ChartLine } from '../components/MetricChart';
import { StatusChip } from '../components/StatusChip';
import { useCursorList } from '../hooks/use-cursor-list';

const RANGES = [
  { value: '900000', key: '15m' },
  { value: '3600000', key: '1h' },
  { value: '21600000', key: '6h' },
  { value: '43200000', key: '12h' },
];

/** The platform now (overview, live status), its figures over time, and its processes. */
export default function OverviewPage() {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const overview = useQuery({
    queryKey: adminKeys.overview,
    queryFn: adminApi.overview,
    refetchInterval: 30_000,
  });
  const [change, setChange] = useState<{ status: string; previous: string } | null>(null);
  useChannel('system-alerts', {
    message(m) {
      if (m.event !== 'monitoring.status') return;
      const data = m.data as { status: Overview['status']; previous: string; at: string };
      setChange({ status: data.status, previous: data.previous });
      qc.setQueryData<Overview>(
        adminKeys.overview,
        (old) => old && { ...old, status: data.status, at: data.at },
      );
      void qc.invalidateQueries({ queryKey: adminKeys.overview });
      void qc.invalidateQueries({ queryKey: adminKeys.instances });
    },
    gap: () => void qc.invalidateQueries({ queryKey: adminKeys.overview }),
  });
  const [range, setRange] = useState(RANGES[1]!.value);
  const rangeMs = Number(range);

  return (
    <AdminLayout title={t('overview.title')}>
      <div aria-live="polite">
        {change && (
          <p className="banner">
            {t('overview.changed', {
              previous: t(`status.${change.previous}`),
              status: t(`status.${change.status}`),
            })}
          </p>
        )}
      </div>
      <QueryView query={overview}>{(o) => <OverviewCards overview={o} />}</QueryView>

      <Card
        title={t('overview.charts')}
        actions={
          <Select
            label={t('overview.range')}
            value={range}
            onChange={(e) => setRange(e.target.value)}
            options={RANGES.map((r) => ({ value: r.value, label: t(`overview.ranges.${r.key}`) }))}
          />
        }
      >
        <div className="admin-charts">
          {charts(t).map((c) => (
            <MetricChart key={c.title} title={c.title} lines={c.lines} unit={c.unit} rangeMs={rangeMs} />
          ))}
        </div>
      </Card>

      <Instances />
    </AdminLayout>
  );
}

function charts(t: (k: string) => string): Array<{ title: string; unit: string; lines: ChartLine[] }> {
  return [
    {
      title: t('charts.queueDepth'),
      unit: t('units.tests'),
      lines: [
        { metric: 'queueWaiting', label: t('charts.waiting') },
        { metric: 'queueActive', label: t('charts.active') },
      ],
    },
    {
      title: t('charts.testsPerMinute'),
      unit: t('units.perMinute'),
      lines: [
        { metric: 'testsCompletedPerMinute', label: t('charts.completed') },
        { metric: 'testsFailedPerMinute', label: t('charts.failed') },
      ],
    },
    {
      title: t('charts.apiP95'),
      unit: 'ms',
      lines: [{ metric: 'apiP95Seconds', label: t('charts.p95'), scale: 1000 }],
    },
    {
      title: t('charts.requests'),
      unit: t('units.perMinute'),
      lines: [{ metric: 'apiRequestsPerMinute', label: t('charts.requestsLine') }],
    },
    {
      title: t('charts.websocket'),
      unit: t('units.connections'),
      lines: [{ metric: 'wsConnections', label: t('charts.connections') }],
    },
    {
      title: t('charts.eventLoop'),
      unit: 'ms',
      lines: [{ metric: 'eventLoopP99Seconds', label: t('charts.p99'), scale: 1000 }],
    },
    {
      title: t('charts.memory'),
      unit: 'MiB',
      lines: [
        { metric: 'rssBytes', label: t('charts.rss'), scale: 1 / 1048576 },
        { metric: 'heapUsedBytes', label: t('charts.heap'), scale: 1 / 1048576 },
      ],
    },
  ];
}

function Component({
  name,
  part,
  figures,
}: {
  name: string;
  part: { status: string; reason: string };
  figures: Array<{ label: string; value: string }>;
}) {
  return (
    <Card title={name} actions={<StatusChip value={part.status} />}>
      <Figures items={figures} />
      <p className="admin-reason">{part.reason}</p>
    </Card>
  );
}

function OverviewCards({ overview: o }: { overview: Overview }) {
  const { t } = useTranslation('admin');
  const ms = (s: number | null) => formatMetric(s === null ? null : s * 1000, 'ms');
  return (
    <>
      <div className="card admin-status">
        <strong>{t('overview.platform')}</strong>
        <StatusChip value={o.status} />
        <span className="muted">{t('overview.at', { at: formatDateTime(o.at) })}</span>
      </div>
      <div className="grid admin-components">
        <Component
          name={t('overview.instances')}
          part={o.instances}
          figures={[
            { label: t('fig.up'), value: formatMetric(o.instances.up, 'count') },
            { label: t('fig.down'), value: formatMetric(o.instances.down, 'count') },
            { label: t('fig.stopped'), value: formatMetric(o.instances.stopped, 'count') },
          ]}
        />
        <Component
          name={t('overview.queue')}
          part={o.queue}
          figures={[
            { label: t('fig.waiting'), value: formatMetric(o.queue.waiting, 'count') },
            { label: t('fig.active'), value: formatMetric(o.queue.active, 'count') },
            { label: t('fig.delayed'), value: formatMetric(o.queue.delayed, 'count') },
            { label: t('fig.workers'), value: formatMetric(o.queue.workers, 'count') },
            { label: t('fig.slots'), value: formatMetric(o.queue.slots, 'count') },
          ]}
        />
        <Component
          name={t('overview.apiLatency')}
          part={o.apiLatency}
          figures={[
            { label: t('fig.p95'), value: ms(o.apiLatency.p95Seconds) },
            { label: t('fig.requestsPerMinute'), value: formatMetric(o.apiLatency.requestsPerMinute) },
          ]}
        />
        <Component
          name={t('overview.errorRate')}
          part={o.errorRate}
          figures={[
            { label: t('fig.errorRatio'), value: formatMetric(o.errorRate.ratio, 'ratio') },
            { label: t('fig.requestsPerMinute'), value: formatMetric(o.errorRate.requestsPerMinute) },
          ]}
        />
        <Component
          name={t('overview.cache')}
          part={o.cache}
          figures={[
            { label: t('fig.hitRatio'), value: formatMetric(o.cache.hitRatio, 'ratio') },
            { label: t('fig.errorsPerMinute'), value: formatMetric(o.cache.errorsPerMinute) },
          ]}
        />
        <Component
          name={t('overview.websocket')}
          part={o.websocket}
          figures={[{ label: t('fig.connections'), value: formatMetric(o.websocket.connections, 'count') }]}
        />
        <Component
          name={t('overview.database')}
          part={o.database}
          figures={[{ label: t('fig.rtt'), value: ms(o.database.rttSeconds) }]}
        />
        {o.redis && (
          <Component
            name={t('overview.redis')}
            part={o.redis}
            figures={[{ label: t('fig.rtt'), value: ms(o.redis.rttSeconds) }]}
          />
        )}
      </div>
    </>
  );
}

function Instances() {
  const { t } = useTranslation('admin');
  const list = useCursorList(adminKeys.instances, adminApi.instances, { refetchInterval: 30_000 });
  return (
    <Card title={t('instances.title')}>
      <QueryView query={list}>
        {() =>
          list.items.length === 0 ? (
            <Empty title={t('instances.empty')} />
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('instances.id')}</th>
                    <th scope="col">{t('instances.role')}</th>
                    <th scope="col">{t('instances.status')}</th>
                    <th scope="col">{t('instances.version')}</th>
                    <th scope="col" className="num">
                      {t('instances.running')}
                    </th>
                    <th scope="col">{t('instances.started')}</th>
                    <th scope="col">{t('instances.heartbeat')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((i) => (
                    <tr key={i.id}>
                      <td>
                        <code>{i.id}</code>
                      </td>
                      <td>{t(`roles.${i.role}`)}</td>
                      <td>
                        <StatusChip value={i.status} />
                        {i.missedHeartbeats > 0 && (
                          <div className="muted">{t('instances.missed', { count: i.missedHeartbeats })}</div>
                        )}
                      </td>
                      <td>{i.version}</td>
                      <td className="num">
                        {formatMetric(i.running, 'count')} / {formatMetric(i.concurrency, 'count')}
                      </td>
                      <td title={formatDateTime(i.startedAt)}>{formatRelative(i.startedAt)}</td>
                      <td title={formatDateTime(i.lastHeartbeat)}>{formatRelative(i.lastHeartbeat)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <LoadMore query={list} />
            </div>
          )
        }
      </QueryView>
    </Card>
  );
}
