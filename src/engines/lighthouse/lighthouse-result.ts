import { round } from '../shared/outbound-of.ts';
import { auditWeights, isFailed, savingsOf, type AuditSavings } from './lighthouse-findings.ts';
import { categoryScore, numericOf, overallScore, type Lhr } from './lhr.ts';

/** Result metric → the Lighthouse audit whose numericValue it is. */
const AUDIT_METRICS: Record<string, { audit: string; digits: number }> = {
  lcp_ms: { audit: 'largest-contentful-paint', digits: 0 },
  fcp_ms: { audit: 'first-contentful-paint', digits: 0 },
  cls: { audit: 'cumulative-layout-shift', digits: 4 },
  tbt_ms: { audit: 'total-blocking-time', digits: 0 },
  speed_index_ms: { audit: 'speed-index', digits: 0 },
  tti_ms: { audit: 'interactive', digits: 0 },
  ttfb_ms: { audit: 'server-response-time', digits: 1 },
  total_byte_weight_bytes: { audit: 'total-byte-weight', digits: 0 },
  dom_size: { audit: 'dom-size', digits: 0 },
};

/** Lighthouse category id → result metric. */
export const CATEGORY_METRICS: Record<string, string> = {
  performance: 'performance_score',
  accessibility: 'accessibility_score',
  'best-practices': 'best_practices_score',
  seo: 'seo_score',
};

/** The figures of one run: category scores (0–100) and the page metrics its audits measured. */
export function pageMetrics(lhr: Lhr): Record<string, number> {
  const out: Record<string, number> = {};
  const score = overallScore(lhr);
  if (score !== undefined) out.score = score;
  for (const [category, metric] of Object.entries(CATEGORY_METRICS)) {
    const s = categoryScore(lhr, category);
    if (s !== undefined) out[metric] = s;
  }
  for (const [metric, { audit, digits }] of Object.entries(AUDIT_METRICS)) {
    const v = numericOf(lhr, audit);
    if (v !== undefined) out[metric] = round(v, digits);
  }
  const requests = lhr.audits['network-requests']?.details?.items;
  if (Array.isArray(requests)) out.request_count = requests.length;
  return out;
}

/** What the engine measured of each run beyond its result. */
export interface RunCost {
  wallMs: number;
  peakMemoryBytes: number | null;
}

/** The result metrics: the chosen run's figures, and the spread, cost and refusals over every run. */
export function metricsOf(
  lhrs: readonly Lhr[],
  chosen: number,
  costs: readonly RunCost[],
  blockedCount: number,
): Record<string, number> {
  const metrics = pageMetrics(lhrs[chosen]!);
  const perf = lhrs.map((l) => categoryScore(l, 'performance')).filter((s) => s !== undefined);
  if (perf.length > 0) metrics.performance_score_spread = Math.max(...perf) - Math.min(...perf);
  metrics.runs = lhrs.length;
  metrics.blocked_requests = blockedCount;
  const peaks = costs.map((c) => c.peakMemoryBytes).filter((p): p is number => p !== null);
  if (peaks.length > 0) metrics.browser_peak_memory_bytes = Math.max(...peaks);
  metrics.run_wall_ms = Math.round(costs.reduce((n, c) => n + c.wallMs, 0) / costs.length);
  return metrics;
}

/** The per-run line of `details.runs`: the score and the metrics the median is chosen on. */
export function runLine(lhr: Lhr, index: number, cost: RunCost) {
  const m = pageMetrics(lhr);
  const pick = ['performance_score', 'lcp_ms', 'fcp_ms', 'cls', 'tbt_ms', 'speed_index_ms', 'tti_ms'];
  return {
    index,
    score: m.score ?? null,
    ...Object.fromEntries(pick.filter((k) => k in m).map((k) => [k, m[k]])),
    wallMs: Math.round(cost.wallMs),
  };
}

export interface TrimmedAudit {
  id: string;
  title: string;
  /** 0–100, null where the audit has no score (informative, not applicable, errored). */
  score: number | null;
  scoreDisplayMode: string;
  displayValue?: string;
  numericValue?: number;
  savings?: AuditSavings;
  /** Highest weight in the selected categories (0: does not count towards a score). */
  weight: number;
  failed: boolean;
}

/**
 * Every audit of the result in a few fields: no details tables and no screenshots, so `details` stays a
 * few tens of KiB while the full result (often over 1 MB) is an artifact.
 */
export function trimmedAudits(lhr: Lhr): TrimmedAudit[] {
  const weights = auditWeights(lhr);
  return Object.values(lhr.audits).map((a) => {
    const savings = savingsOf(a);
    return {
      id: a.id,
      title: a.title,
      score: a.score === null ? null : Math.round(a.score * 100),
      scoreDisplayMode: a.scoreDisplayMode,
      ...(a.displayValue ? { displayValue: a.displayValue } : {}),
      ...(typeof a.numericValue === 'number' ? { numericValue: round(a.numericValue, 4) } : {}),
      ...(savings.ms !== undefined || savings.bytes !== undefined ? { savings } : {}),
      weight: weights.get(a.id) ?? 0,
      failed: isFailed(a),
    };
  });
}

/** Audits Lighthouse could not run (its report shows them as errors): named, so nobody reads them as passed. */
export function auditErrors(lhr: Lhr): Array<{ id: string; message: string }> {
  return Object.values(lhr.audits)
    .filter((a) => a.scoreDisplayMode === 'error')
    .map((a) => ({
      id: a.id,
      message: ((a as { errorMessage?: string }).errorMessage ?? '').split('\n')[0]!,
    }));
}

const CATEGORY_NAMES: Record<string, string> = {
  performance: 'Performance',
  accessibility: 'Accessibility',
  'best-practices': 'Best practices',
  seo: 'SEO',
};

/** "Performance 87, SEO 92; LCP 1.3 s, CLS 0.01, TBT 40 ms (median of 3 runs)". */
export function summaryOf(metrics: Record<string, number>, lhr: Lhr, runs: number): string {
  const scores = Object.keys(lhr.categories)
    .filter((id) => categoryScore(lhr, id) !== undefined)
    .map((id) => `${CATEGORY_NAMES[id] ?? id} ${categoryScore(lhr, id)}`);
  const vitals = [
    metrics.lcp_ms !== undefined ? `LCP ${(metrics.lcp_ms / 1000).toFixed(1)} s` : '',
    metrics.cls !== undefined ? `CLS ${round(metrics.cls, 2)}` : '',
    metrics.tbt_ms !== undefined ? `TBT ${Math.round(metrics.tbt_ms)} ms` : '',
  ].filter(Boolean);
  const of = runs > 1 ? ` (median of ${runs} runs)` : '';
  return `${scores.join(', ')}${vitals.length ? `; ${vitals.join(', ')}` : ''}${of}`;
}
