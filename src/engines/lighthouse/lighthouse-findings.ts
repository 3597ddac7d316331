import type { BlockedRequest } from '../browser/browser-pool.types.ts';
import type { Finding } from '../engine.ts';
import type { Lhr, LhrAudit } from './lhr.ts';

/** Lighthouse's own "passed" line: an audit scoring 0.9 or more is shown as passed in its report. */
export const PASS_SCORE = 0.9;
/** Modes without a verdict: shown for information, checked by hand, irrelevant to the page, or broken. */
const NO_VERDICT = new Set(['informative', 'manual', 'notApplicable', 'error']);
/** Savings Lighthouse reports in ms per metric (CLS savings are unitless and not time). */
const TIME_SAVINGS = ['LCP', 'FCP', 'TBT', 'INP'] as const;
const KiB = 1024;
const LISTED_ITEMS = 3;

export interface AuditSavings {
  ms?: number;
  bytes?: number;
}

/** The largest time and byte savings an audit reports (opportunity totals or per-metric savings). */
export function savingsOf(audit: LhrAudit): AuditSavings {
  const times = [audit.details?.overallSavingsMs, ...TIME_SAVINGS.map((m) => audit.metricSavings?.[m])];
  const ms = Math.max(0, ...times.filter((t): t is number => typeof t === 'number'));
  const bytes = audit.details?.overallSavingsBytes ?? 0;
  return { ...(ms > 0 ? { ms: Math.round(ms) } : {}), ...(bytes > 0 ? { bytes: Math.round(bytes) } : {}) };
}

/** The highest weight each audit has in the categories of this result (0 for diagnostics). */
export function auditWeights(lhr: Lhr): Map<string, number> {
  const weights = new Map<string, number>();
  for (const category of Object.values(lhr.categories))
    for (const ref of category.auditRefs) weights.set(ref.id, Math.max(weights.get(ref.id) ?? 0, ref.weight));
  return weights;
}

/** Whether Lighthouse's report would list the audit as failed. */
export function isFailed(audit: LhrAudit): boolean {
  return !NO_VERDICT.has(audit.scoreDisplayMode) && audit.score !== null && audit.score < PASS_SCORE;
}

/**
 * How bad a failed audit is: the points it costs its category (weight × (1 − score); Lighthouse weighs
 * accessibility audits 10/7/3/1 by axe impact and the performance metrics 10–30 of 100) or what fixing it
 * would save, whichever is worse. Performance opportunities weigh 0 in Lighthouse 12: their savings decide.
 */
export function severityOf(audit: LhrAudit, weight: number): Finding['severity'] {
  const { ms = 0, bytes = 0 } = savingsOf(audit);
  const cost = weight * (1 - (audit.score ?? 0));
  if (cost >= 10) return 'critical';
  if (cost >= 5 || ms >= 1000 || bytes >= 500 * KiB) return 'high';
  if (cost >= 2 || ms >= 300 || bytes >= 100 * KiB) return 'medium';
  return 'low';
}

function formatSavings({ ms, bytes }: AuditSavings): string {
  const parts = [
    ms !== undefined ? (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`) : '',
    bytes !== undefined ? `${Math.round(bytes / KiB)} KiB` : '',
  ].filter(Boolean);
  return parts.length ? ` Potential savings: ${parts.join(', ')}.` : '';
}

// Markdown links in Lighthouse's descriptions ("[Learn more](https://…)") as plain text with the address.
const plain = (markdown: string) => markdown.replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1: $2').replace(/`/g, '');

function itemsOf(audit: LhrAudit): string {
  const names = (audit.details?.items ?? [])
    .map((item) => {
      const i = item as { url?: unknown; node?: { selector?: unknown } };
      return typeof i.url === 'string'
        ? i.url
        : typeof i.node?.selector === 'string'
          ? i.node.selector
          : null;
    })
    .filter((n): n is string => n !== null);
  if (names.length === 0) return '';
  const more = names.length - LISTED_ITEMS;
  return ` ${names.slice(0, LISTED_ITEMS).join(', ')}${more > 0 ? ` and ${more} more` : ''}.`;
}

/** One finding for a failed audit: its title, score and value, what fixing it saves, and Lighthouse's advice. */
export function auditFinding(audit: LhrAudit, weight: number): Finding {
  const score = Math.round((audit.score ?? 0) * 100);
  const value = audit.displayValue ? `, ${audit.displayValue}` : '';
  return {
    severity: severityOf(audit, weight),
    title: plain(audit.title),
    detail: `Lighthouse audit ${audit.id} scored ${score}/100${value}.${formatSavings(savingsOf(audit))}${itemsOf(audit)}`,
    recommendation: plain(audit.description ?? audit.title),
  };
}

const RANK: Record<Finding['severity'], number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Every failed audit of the run, worst first (severity, then weight, then lowest score). */
export function auditFindings(lhr: Lhr): Finding[] {
  const weights = auditWeights(lhr);
  return Object.values(lhr.audits)
    .filter(isFailed)
    .map((audit) => ({ audit, weight: weights.get(audit.id) ?? 0 }))
    .map(({ audit, weight }) => ({ audit, weight, finding: auditFinding(audit, weight) }))
    .sort(
      (a, b) =>
        RANK[a.finding.severity] - RANK[b.finding.severity] ||
        b.weight - a.weight ||
        (a.audit.score ?? 0) - (b.audit.score ?? 0),
    )
    .map((x) => x.finding);
}

/** One finding per request the SSRF guard refused: Lighthouse measured the page without it. */
export function blockedFinding(b: BlockedRequest): Finding {
  return {
    severity: 'medium',
    title: 'A request of the page was blocked',
    detail: `${b.url} was not loaded: ${b.reason}. Lighthouse measured the page without it.`,
    recommendation:
      'Serve the resource from a public address, or allow private targets (ALLOW_PRIVATE_TARGETS) if this TestWeb tests an internal site.',
  };
}
