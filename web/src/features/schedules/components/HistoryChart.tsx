import { useTranslation } from 'react-i18next';
import { TimeSeriesChart } from '../../../components/TimeSeriesChart';
import { Empty, ErrorState, Loading } from '../../../components/states';
import { formatMetric } from '../../../lib/format';
import { useScheduleHistory } from '../api/schedules';

/** A metric over the schedule's runs (average, min, max per bucket) over the shaded baseline band. */
export function HistoryChart({ id, metric, unit }: { id: string; metric: string; unit: string }) {
  const { t } = useTranslation('schedules');
  const history = useScheduleHistory(id, metric);
  if (history.isPending) return <Loading />;
  if (history.error) return <ErrorState error={history.error} retry={() => void history.refetch()} />;
  const h = history.data;
  const x = h.points.map((p) => Math.floor(new Date(p.at).getTime() / 1000));
  const b = h.baseline;
  const title = t('detail.chartTitle', { metric });
  return (
    <div>
      {h.points.length === 0 ? (
        <Empty title={t('detail.noPoints')} />
      ) : (
        <TimeSeriesChart
          title={title}
          units={{ left: unit || undefined }}
          data={[
            x,
            h.points.map((p) => p.avg),
            h.points.map((p) => p.min),
            h.points.map((p) => p.max),
            ...(b ? [x.map(() => b.high), x.map(() => b.low), x.map(() => b.median)] : []),
          ]}
          series={[
            { label: t('detail.avg'), color: '#2563eb' },
            { label: t('detail.min'), color: '#94a3b8' },
            { label: t('detail.max'), color: '#64748b' },
            ...(b
              ? [
                  { label: t('detail.bandHigh'), color: 'rgba(22,163,74,0.55)' },
                  { label: t('detail.bandLow'), color: 'rgba(22,163,74,0.55)' },
                  { label: t('detail.baseline'), color: '#16a34a' },
                ]
              : []),
          ]}
          band={b ? [4, 5] : undefined}
        />
      )}
      <p className="muted small">
        {b
          ? `${t('detail.bandNote', { runs: b.runs })} ${t('detail.baseline')}: ${formatMetric(b.median, unit)} (${formatMetric(b.low, unit)} – ${formatMetric(b.high, unit)})`
          : t('detail.noBand')}
      </p>
    </div>
  );
}
