import { useTranslation } from 'react-i18next';
import { Card } from '../../../../components/ui';
import { formatMetric } from '../../../../lib/format';
import { pointsFromSeries, StressCharts } from '../StressCharts';
import { DetailsJson, Findings, MetricsGrid, unitOf, Verdict } from './parts';
import type { ResultProps } from './types';

const SUMMARY = [
  'requests_total',
  'rps_mean',
  'rps_max',
  'error_rate',
  'vus_max',
  'duration_s',
  'bytes_received',
];
const PERCENTILES = [
  'latency_min_ms',
  'latency_p50_ms',
  'latency_p90_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'latency_max_ms',
  'latency_mean_ms',
];

/** The stress engine: summary figures, latency percentiles, errors by kind and the per-second charts. */
export function StressResult({ test, result, engine }: ResultProps) {
  const { t } = useTranslation('testView');
  const errors = (result.details.errorsByKind ?? {}) as Record<string, number>;
  const statuses = (result.details.statusCodes ?? {}) as Record<string, number>;
  const points = pointsFromSeries(result.details.series, test.startedAt);
  return (
    <>
      <Card title={t('result.title')}>
        <Verdict result={result} />
        <MetricsGrid result={result} engine={engine} only={SUMMARY} />
      </Card>
      <Card title={t('stress.live')}>
        <StressCharts points={points} />
      </Card>
      <div className="grid tv-two">
        <Card title={t('stress.percentiles')}>
          <MetricsGrid result={result} engine={engine} only={PERCENTILES} />
        </Card>
        <Card title={t('stress.errors')}>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('stress.kind')}</th>
                  <th scope="col">{t('stress.count')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(errors).map(([kind, n]) => (
                  <tr key={kind}>
                    <td>{kind}</td>
                    <td>{formatMetric(n, unitOf(engine, 'errors_total') || 'count')}</td>
                  </tr>
                ))}
                {Object.entries(statuses).map(([code, n]) => (
                  <tr key={`s${code}`}>
                    <td>HTTP {code}</td>
                    <td>{formatMetric(n, 'count')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      </div>
      <Card title={t('result.findings')}>
        <Findings findings={result.findings} />
      </Card>
      <DetailsJson details={result.details} />
    </>
  );
}
