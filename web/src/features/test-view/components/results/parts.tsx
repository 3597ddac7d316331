import { useTranslation } from 'react-i18next';
import { Chip } from '../../../../components/ui';
import { ScoreGauge } from '../../../../components/ScoreGauge';
import { formatMetric } from '../../../../lib/format';
import type { Engine } from '../../../../lib/api/types';
import type { Finding, TestResult } from '../../api/queries';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** The unit of a metric as GET /api/engines documents it ('' when unknown). */
export function unitOf(engine: Engine | undefined, name: string): string {
  return engine?.metrics.find((m) => m.name === name)?.unit ?? '';
}

/** Passed / failed / no verdict, the score gauge and the engine's one-line summary. */
export function Verdict({ result }: { result: TestResult }) {
  const { t } = useTranslation('testView');
  const verdict = result.passed === null ? 'none' : result.passed ? 'passed' : 'failed';
  return (
    <div className="tv-verdict">
      {result.score !== null && <ScoreGauge score={result.score} label={t('result.score')} />}
      <div>
        <Chip value={verdict === 'none' ? 'info' : verdict} label={t(`result.verdict.${verdict}`)} />
        <p className="tv-summary">{result.summary}</p>
      </div>
    </div>
  );
}

/** Every metric with its unit; `only` picks and orders a subset. */
export function MetricsGrid({
  result,
  engine,
  only,
}: {
  result: TestResult;
  engine: Engine | undefined;
  only?: string[];
}) {
  const { t } = useTranslation('testView');
  const names = only ? only.filter((n) => n in result.metrics) : Object.keys(result.metrics);
  if (names.length === 0) return <p className="muted">{t('result.noMetrics')}</p>;
  return (
    <dl className="tv-metrics">
      {names.map((name) => {
        const doc = engine?.metrics.find((m) => m.name === name);
        return (
          <div key={name} className="tv-metric" title={doc?.description}>
            <dt>{name}</dt>
            <dd>{formatMetric(result.metrics[name], doc?.unit)}</dd>
          </div>
        );
      })}
    </dl>
  );
}

/** Findings grouped by severity, worst first, each with its recommendation. */
export function Findings({ findings }: { findings: Finding[] }) {
  const { t } = useTranslation('testView');
  if (findings.length === 0) return <p className="muted">{t('result.noFindings')}</p>;
  const known = new Set<string>(SEVERITIES);
  const groups = [...SEVERITIES, 'other'].map((sev) => ({
    sev,
    items: findings.filter((f) => (sev === 'other' ? !known.has(f.severity) : f.severity === sev)),
  }));
  return (
    <div className="tv-findings">
      {groups
        .filter((g) => g.items.length > 0)
        .map((g) => (
          <section key={g.sev} aria-label={t(`severity.${g.sev}`)}>
            <h3>
              <Chip value={g.sev} label={t(`severity.${g.sev}`)} /> {g.items.length}
            </h3>
            <ul>
              {g.items.map((f, i) => (
                <li key={i}>
                  <strong>{f.title}</strong>
                  {f.detail && <p>{f.detail}</p>}
                  {f.recommendation && (
                    <p className="muted">
                      {t('result.recommendation')}: {f.recommendation}
                    </p>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))}
    </div>
  );
}

/** The engine's raw details, folded. */
export function DetailsJson({ details }: { details: Record<string, unknown> }) {
  const { t } = useTranslation('testView');
  if (Object.keys(details).length === 0) return null;
  return (
    <details className="tv-json">
      <summary>{t('result.details')}</summary>
      <pre tabIndex={0}>{JSON.stringify(details, null, 2)}</pre>
    </details>
  );
}

/** A result's files (screenshots, reports): its own file, exported here beside the other parts. */
export { Artifacts } from './Artifacts';
