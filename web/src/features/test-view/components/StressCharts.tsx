import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { TimeSeriesChart } from '../../../components/TimeSeriesChart';
import type { LivePoint } from '../api/queries';

/** A stored per-second row of a stress result (`details.series`). */
interface SecondRow {
  second: number;
  rps?: number;
  errors?: number;
  latency_p50_ms?: number;
  latency_p95_ms?: number;
  latency_p99_ms?: number;
  active_users?: number;
}

/** The stored series of a finished stress test as points, placed from its start time. */
export function pointsFromSeries(series: unknown, startedAt: string | null | undefined): LivePoint[] {
  if (!Array.isArray(series)) return [];
  const start = startedAt ? Date.parse(startedAt) : 0;
  return (series as SecondRow[]).map((s) => ({
    at: start + (s.second + 1) * 1000,
    metrics: Object.fromEntries(
      Object.entries(s).filter((e): e is [string, number] => typeof e[1] === 'number'),
    ),
  }));
}

const column = (points: LivePoint[], name: string) => points.map((p) => p.metrics[name] ?? null);

/** Requests/s, latency percentiles, errors and active users per second; they grow as points arrive. */
export function StressCharts({ points }: { points: LivePoint[] }) {
  const { t } = useTranslation('testView');
  const data = useMemo(() => {
    const x = points.map((p) => p.at / 1000);
    return {
      rps: [x, column(points, 'rps')] as [number[], Array<number | null>],
      latency: [
        x,
        column(points, 'latency_p50_ms'),
        column(points, 'latency_p95_ms'),
        column(points, 'latency_p99_ms'),
      ] as [number[], ...Array<Array<number | null>>],
      errors: [x, column(points, 'errors')] as [number[], Array<number | null>],
      users: [x, column(points, 'active_users')] as [number[], Array<number | null>],
    };
  }, [points]);

  return (
    <div className="tv-charts" data-testid="stress-charts">
      <TimeSeriesChart
        title={t('stress.chart.rps')}
        data={data.rps}
        series={[{ label: t('stress.series.rps') }]}
        units={{ left: 'req/s' }}
        height={200}
      />
      <TimeSeriesChart
        title={t('stress.chart.latency')}
        data={data.latency}
        series={[
          { label: 'p50', color: '#16a34a' },
          { label: 'p95', color: '#d97706' },
          { label: 'p99', color: '#dc2626' },
        ]}
        units={{ left: 'ms' }}
        height={200}
      />
      <TimeSeriesChart
        title={t('stress.chart.errors')}
        data={data.errors}
        series={[{ label: t('stress.series.errors'), color: '#dc2626' }]}
        units={{ left: t('stress.series.errors') }}
        height={200}
      />
      <TimeSeriesChart
        title={t('stress.chart.users')}
        data={data.users}
        series={[{ label: t('stress.series.users'), color: '#7c3aed' }]}
        units={{ left: t('stress.series.users') }}
        height={200}
      />
    </div>
  );
}
