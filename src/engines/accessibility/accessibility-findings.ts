import type { BlockedRequest } from '../browser/index.ts';
import type { Finding } from '../engine.ts';
import type { Impact, Violation } from './axe-results.ts';

const SEVERITY: Record<Impact, Finding['severity']> = {
  critical: 'critical',
  serious: 'high',
  moderate: 'medium',
  minor: 'low',
};

const LISTED_TARGETS = 5;

function elements(v: Violation): string {
  const shown = v.nodes.slice(0, LISTED_TARGETS).map((n) => n.target);
  const more = v.nodeCount - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

// axe-core's failure summary of the first element ("Fix any of the following:\n  …"), on one line.
function why(v: Violation): string {
  const summary = v.nodes[0]?.failureSummary;
  return summary ? ` ${summary.replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ')}` : '';
}

/** One finding per violated rule: what axe-core says is wrong, where, and where to read how to fix it. */
export function violationFinding(v: Violation): Finding {
  const wcag = v.wcag.length ? ` (WCAG ${v.wcag.join(', ')})` : '';
  const count = v.nodeCount === 1 ? '1 element' : `${v.nodeCount} elements`;
  return {
    severity: SEVERITY[v.impact],
    title: `${v.help}${wcag}`,
    detail: `${v.description}. Rule ${v.id}, ${v.impact} impact, ${count}: ${elements(v)}.${why(v)}`,
    recommendation: `${v.help}: see ${v.helpUrl} for what the rule checks and how to fix it.`,
  };
}

/** One finding per request the SSRF guard refused: the audit saw the page without it. */
export function blockedFinding(b: BlockedRequest): Finding {
  return {
    severity: 'medium',
    title: 'A request of the page was blocked',
    detail: `${b.url} was not loaded: ${b.reason}. The page was audited without it.`,
    recommendation:
      'Serve the resource from a public address, or allow private targets (ALLOW_PRIVATE_TARGETS) if this TestWeb tests an internal site.',
  };
}
