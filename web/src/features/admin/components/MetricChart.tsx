import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { TimeSeriesChart } from '../../../components/TimeSeriesChart';
import { ErrorState, Loading } from '../../../components/states';
import { adminApi, adminKeys, type MetricName, type Series } from '../api/admin-api';

export interface ChartLine {
  metric: MetricName;
  label: string;
  /** Multiplies each value (seconds → ms, bytes → MiB) so the axis reads well. */
  scale?: number;
}

/**
 * One chart of one or more platform figures (GET /api/monitoring/series, the server choosing the step
 * for the range), their points merged on a shared time axis: a step one series lacks is a gap.
 */
export function MetricChart({
  title,
  lines,
  rangeMs,
  unit,
}: {
  title: string;
  lines: ChartLine[];
  rangeMs: number;
  unit: string;
}) {
  const { t } = useTranslation('admin');
  const results = useQueries({
    queries: lines.map((line) => {
      return {
        // The key holds the range, not its instants: each refetch asks for the last `rangeMs` until now.
        queryKey: adminKeys.series({ metric: line.metric, from: `last ${rangeMs} ms` }),
        queryFn: () =>
          adminApi.series({ metric: line.metric, from: new Date(Date.now() - rangeMs).toISOString() }),
        refetchInterval: 15_000,
      };
    }),
  });
  const error = results.find((r) => r.error)?.error;
  const pending = results.some((r) => r.isPending);
  const series = results.map((r) => r.data);
  const data = merge(series, lines);
  const samples = data[0].length;
  // The whole range on the x axis (a gap where there are no samples), so one point or a young platform
  // reads as "recent" rather than filling the chart.
  const first = series[0];
  if (first) {
    const from = Math.round(Date.parse(first.from) / 1000);
    const to = Math.round(Date.parse(first.to) / 1000);
    if (!samples || data[0][0]! > from) {
      data[0].unshift(from);
      for (let i = 1; i < data.length; i++) (data[i] as Array<number | null>).unshift(null);
    }
    if (data[0][data[0].length - 1]! < to) {
      data[0].push(to);
      for (let i = 1; i < data.length; i++) (data[i] as Array<number | null>).push(null);
    }
  }

  if (pending) return <Loading />;
  if (error) return <ErrorState error={error} retry={() => results.forEach((r) => void r.refetch())} />;
  return (
    <div data-samples={samples}>
      <TimeSeriesChart
        title={title}
        data={data}
        series={lines.map((l) => ({ label: l.label }))}
        units={{ left: unit }}
        height={200}
      />
      {samples === 0 && <p className="muted">{t('overview.noPoints')}</p>}
    </div>
  );
}

function merge(
  series: Array<Series | undefined>,
  lines: ChartLine[],
): [number[], ...Array<Array<number | null>>] {
  const times = new Set<number>();
  for (const s of series) for (const p of s?.points ?? []) times.add(Math.round(Date.parse(p.t) / 1000));
  const xs = [...times].sort((a, b) => a - b);
  const columns = series.map((s, i) => {
    const byTime = new Map(
      (s?.points ?? []).map((p) => [Math.round(Date.parse(p.t) / 1000), p.value * (lines[i]!.scale ?? 1)]),
    );
    return xs.map((x) => byTime.get(x) ?? null);
  });
  return [xs, ...columns];
}
