import { useTranslation } from 'react-i18next';
import { Card } from '../../../../components/ui';
import { formatMetric } from '../../../../lib/format';
import { Artifacts, DetailsJson, Findings, MetricsGrid, Verdict } from './parts';
import type { ResultProps } from './types';

interface Resource {
  url: string;
  type?: string;
  status?: number;
  transferBytes?: number;
  durationMs?: number;
}

/** The performance engine: score, timings, the other metrics, and the heaviest resources. */
export function PerformanceResult({ test, result, engine }: ResultProps) {
  const { t } = useTranslation('testView');
  const names = Object.keys(result.metrics);
  const timings = names.filter((n) => n.endsWith('_ms'));
  const others = names.filter((n) => !n.endsWith('_ms'));
  const resources = Array.isArray(result.details.largestResources)
    ? (result.details.largestResources as Resource[])
    : [];
  return (
    <>
      <Card title={t('result.title')}>
        <Verdict result={result} />
        <h3>{t('performance.timings')}</h3>
        <MetricsGrid result={result} engine={engine} only={timings} />
        <h3>{t('performance.other')}</h3>
        <MetricsGrid result={result} engine={engine} only={others} />
        <Artifacts testId={test.testId} />
      </Card>
      <Card title={t('performance.resources')}>
        {resources.length === 0 ? (
          <p className="muted">{t('performance.noResources')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('performance.url')}</th>
                  <th scope="col">{t('performance.type')}</th>
                  <th scope="col">{t('performance.status')}</th>
                  <th scope="col">{t('performance.size')}</th>
                  <th scope="col">{t('performance.time')}</th>
                </tr>
              </thead>
              <tbody>
                {resources.map((r) => (
                  <tr key={r.url}>
                    <td className="tv-url">{r.url}</td>
                    <td>{r.type ?? '—'}</td>
                    <td>{r.status ?? '—'}</td>
                    <td>{formatMetric(r.transferBytes, 'bytes')}</td>
                    <td>{formatMetric(r.durationMs, 'ms')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title={t('result.findings')}>
        <Findings findings={result.findings} />
      </Card>
      <DetailsJson details={result.details} />
    </>
  );
}
