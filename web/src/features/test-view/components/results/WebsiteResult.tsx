import { createElement, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Card, Chip } from '../../../../components/ui';
import { ScoreGauge } from '../../../../components/ScoreGauge';
import { useEngineMap } from '../../../../lib/api/engines';
import { formatMetric } from '../../../../lib/format';
import { ArtifactScope } from '../../api/artifacts';
import type { TestResult } from '../../api/queries';
import { Findings, MetricsGrid, Verdict } from './parts';
import type { ResultProps } from './types';

/** One entry of `details.parts` (src/engines/website/website-result.ts). */
interface Part {
  key: string;
  engine: string;
  status: 'completed' | 'failed' | 'skipped';
  weight: number;
  reason?: string;
  fallback?: { from: string; reason: string };
  durationMs?: number;
  artifactPrefix?: string;
  result?: Partial<Pick<TestResult, 'score' | 'passed' | 'summary' | 'metrics' | 'findings' | 'details'>>;
}

/** The view of an engine by name: the registry's, handed in so this file does not import the registry. */
export type ViewFor = (engine: string) => ComponentType<ResultProps>;

const COUNTS = ['parts_completed', 'parts_failed', 'parts_skipped', 'findings_critical', 'findings_high'];
const TONE = { completed: 'completed', failed: 'failed', skipped: 'stopped' } as const;
const partsOf = (result: TestResult): Part[] =>
  Array.isArray(result.details.parts) ? (result.details.parts as Part[]) : [];

/**
 * The website audit: the combined score and the parts side by side (score, status, why a part failed or
 * was skipped or fell back), every finding, then each part's result in its own engine's view, folded.
 */
export function websiteResultView(viewFor: ViewFor): ComponentType<ResultProps> {
  function WebsiteResult({ test, result, engine }: ResultProps) {
    const { t } = useTranslation('testView');
    const parts = partsOf(result);
    return (
      <>
        <Card title={t('result.title')}>
          <Verdict result={result} />
          <ul className="tv-website-parts" aria-label={t('website.parts')}>
            {parts.map((p) => (
              <PartCard key={p.key} part={p} />
            ))}
          </ul>
          <MetricsGrid result={result} engine={engine} only={COUNTS} />
        </Card>
        <Card title={t('result.findings')}>
          <Findings findings={result.findings} />
        </Card>
        {parts
          .filter((p) => p.result)
          .map((p) => (
            <PartView key={p.key} part={p} test={test} result={result} viewFor={viewFor} />
          ))}
      </>
    );
  }
  return WebsiteResult;
}

function PartCard({ part }: { part: Part }) {
  const { t } = useTranslation('testView');
  const name = t(`website.part.${part.key}`, { defaultValue: part.key });
  return (
    <li className="tv-website-part">
      <ScoreGauge score={part.result?.score ?? null} label={name} size={72} />
      <div>
        <strong>{name}</strong> <Chip value={TONE[part.status]} label={t(`website.status.${part.status}`)} />
        <p className="muted">
          {t('website.engine', { engine: part.engine, weight: part.weight })}
          {part.durationMs !== undefined && ` · ${formatMetric(part.durationMs, 'ms')}`}
        </p>
        {part.reason && <p>{t('website.reason', { reason: part.reason })}</p>}
        {part.fallback && (
          <p className="muted">
            {t('website.fallback', { from: part.fallback.from, reason: part.fallback.reason })}
          </p>
        )}
      </div>
    </li>
  );
}

function PartView({
  part,
  test,
  result,
  viewFor,
}: { part: Part; viewFor: ViewFor } & Pick<ResultProps, 'test' | 'result'>) {
  const { t } = useTranslation('testView');
  const engines = useEngineMap();
  const r = part.result!;
  const partResult: TestResult = {
    ...result,
    type: part.engine,
    score: r.score ?? null,
    passed: r.passed ?? null,
    summary: r.summary ?? '',
    metrics: r.metrics ?? {},
    findings: r.findings ?? [],
    details: r.details ?? {},
  };
  return (
    <details className="tv-website-view">
      <summary>
        {t('website.partResult', {
          part: t(`website.part.${part.key}`, { defaultValue: part.key }),
          engine: part.engine,
        })}
      </summary>
      <ArtifactScope.Provider value={part.artifactPrefix ?? `${part.key}-`}>
        {createElement(viewFor(part.engine), {
          test: { ...test, type: part.engine },
          result: partResult,
          engine: engines.data?.get(part.engine),
        })}
      </ArtifactScope.Provider>
    </details>
  );
}
