/**
 * The parts of a Lighthouse result (LHR) the engine reads, typed structurally so the pure mapping code
 * and its tests need neither Lighthouse's module graph nor a 1 MB real result.
 */
export interface LhrAudit {
  id: string;
  title: string;
  description?: string;
  score: number | null;
  scoreDisplayMode: string;
  numericValue?: number;
  numericUnit?: string;
  displayValue?: string;
  /** Lighthouse 12: savings an opportunity would bring (`{ LCP: 300, FCP: 100 }`), ms for each metric. */
  metricSavings?: Record<string, number | undefined>;
  details?: {
    type?: string;
    overallSavingsMs?: number;
    overallSavingsBytes?: number;
    items?: unknown[];
    data?: string;
    timing?: number;
  };
}

export interface LhrCategory {
  id: string;
  title: string;
  score: number | null;
  auditRefs: Array<{ id: string; weight: number; group?: string }>;
}

export interface Lhr {
  lighthouseVersion: string;
  requestedUrl?: string;
  mainDocumentUrl?: string;
  finalDisplayedUrl: string;
  fetchTime?: string;
  runtimeError?: { code: string; message: string };
  runWarnings?: string[];
  categories: Record<string, LhrCategory>;
  audits: Record<string, LhrAudit>;
}

/** An audit's numericValue, when the audit ran and produced one. */
export function numericOf(lhr: Lhr, id: string): number | undefined {
  const v = lhr.audits[id]?.numericValue;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A category's score on 0–100 (Lighthouse gives 0–1), when it was audited and scored. */
export function categoryScore(lhr: Lhr, id: string): number | undefined {
  const s = lhr.categories[id]?.score;
  return typeof s === 'number' ? Math.round(s * 100) : undefined;
}

/** The score a run is known by: performance when audited, else the mean of the scored categories. */
export function overallScore(lhr: Lhr): number | undefined {
  const perf = categoryScore(lhr, 'performance');
  if (perf !== undefined) return perf;
  const scores = Object.keys(lhr.categories)
    .map((id) => categoryScore(lhr, id))
    .filter((s): s is number => s !== undefined);
  if (scores.length === 0) return undefined;
  return Math.round(scores.reduce((a, b) => a + b, 0) / scores.length);
}
