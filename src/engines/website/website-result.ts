import type { EngineArtifact, EngineResult, Finding } from '../engine.ts';
import type { WebsitePart } from './website-part.ts';

/** What became of one part: its result kept whole (its files moved to the website result's artifacts). */
export interface PartOutcome {
  key: string;
  engine: string;
  status: 'completed' | 'failed' | 'skipped';
  weight: number;
  /** Why the part failed or was skipped. */
  reason?: string;
  /** Why this engine ran instead of the part's first one (lighthouse → performance without Chromium). */
  fallback?: { from: string; reason: string };
  durationMs?: number;
  /** The part's files are the website result's artifacts whose names start with this. */
  artifactPrefix?: string;
  result?: Omit<EngineResult, 'artifacts'>;
  artifacts?: EngineArtifact[];
}

const SEVERITY_ORDER: Finding['severity'][] = ['critical', 'high', 'medium', 'low', 'info'];
const ARTIFACT_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** The weighted mean of the part scores over the parts that produced one; undefined when none did. */
export function combinedScore(outcomes: PartOutcome[]): number | undefined {
  const scored = outcomes.filter((o) => typeof o.result?.score === 'number');
  const weights = scored.reduce((n, o) => n + o.weight, 0);
  if (weights === 0) return undefined;
  return Math.round(scored.reduce((n, o) => n + o.weight * o.result!.score!, 0) / weights);
}

/** Every part's findings, titles prefixed with the part, worst first (stable within a severity). */
export function mergedFindings(outcomes: PartOutcome[]): Finding[] {
  const all = outcomes.flatMap((o) =>
    (o.result?.findings ?? []).map((f) => ({ ...f, title: `[${o.key}] ${f.title}` })),
  );
  const rank = (f: Finding) => {
    const i = SEVERITY_ORDER.indexOf(f.severity);
    return i < 0 ? SEVERITY_ORDER.length : i;
  };
  return all
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map((x) => x.f);
}

/** Each part's files as `<key>-<name>`; a name that would break the artifact name rule is left out. */
export function mergedArtifacts(outcomes: PartOutcome[]): EngineArtifact[] {
  return outcomes.flatMap((o) =>
    (o.artifacts ?? [])
      .map((a) => ({ ...a, name: `${o.key}-${a.name}` }))
      .filter((a) => ARTIFACT_NAME.test(a.name)),
  );
}

function metricsOf(parts: WebsitePart[], outcomes: PartOutcome[], findings: Finding[], score?: number) {
  const count = (s: PartOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const metrics: Record<string, number> = {
    ...(score !== undefined ? { score } : {}),
    parts_completed: count('completed'),
    parts_failed: count('failed'),
    parts_skipped: count('skipped'),
    findings_critical: findings.filter((f) => f.severity === 'critical').length,
    findings_high: findings.filter((f) => f.severity === 'high').length,
  };
  for (const o of outcomes) {
    if (!o.result) continue;
    if (typeof o.result.score === 'number') metrics[`${o.key}_score`] = o.result.score;
    const part = parts.find((p) => p.key === o.key);
    for (const name of part?.headline ?? []) {
      const value = o.result.metrics[name];
      if (typeof value === 'number') metrics[`${o.key}_${name}`] = value;
    }
  }
  return metrics;
}

function summaryOf(outcomes: PartOutcome[], score?: number): string {
  const line = outcomes.map((o) => {
    if (o.status === 'completed') {
      const s = typeof o.result?.score === 'number' ? ` ${o.result.score}` : '';
      return `${o.key}${s}${o.fallback ? ` (${o.engine})` : ''}`;
    }
    return `${o.key} ${o.status}`;
  });
  return `${score !== undefined ? `Score ${score}/100` : 'No score'}: ${line.join(', ')}`;
}

/** The website result: combined score, the parts whole under details.parts, findings and files merged. */
export function websiteResult(parts: WebsitePart[], outcomes: PartOutcome[]): EngineResult {
  const score = combinedScore(outcomes);
  const findings = mergedFindings(outcomes);
  return {
    ...(score !== undefined ? { score } : {}),
    summary: summaryOf(outcomes, score),
    metrics: metricsOf(parts, outcomes, findings, score),
    findings,
    details: {
      weights: Object.fromEntries(outcomes.map((o) => [o.key, o.weight])),
      parts: outcomes.map(({ artifacts: _files, ...rest }) => rest),
    },
    artifacts: mergedArtifacts(outcomes),
  };
}
