import { wcagCriteria } from './standards.ts';

export const IMPACTS = ['critical', 'serious', 'moderate', 'minor'] as const;
export type Impact = (typeof IMPACTS)[number];

/** The part of axe-core's result this engine reads (axe-core's `Result` and `NodeResult`). */
export interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
export interface AxeRule {
  id: string;
  impact?: string | null;
  tags: string[];
  help: string;
  description: string;
  helpUrl: string;
  nodes: AxeNode[];
}
export interface AxeRun {
  violations: AxeRule[];
  incomplete: AxeRule[];
  passes: AxeRule[];
  inapplicable: AxeRule[];
}

/** Bounds of what a result keeps per rule: a page with a repeated mistake must not make a huge result. */
export const MAX_NODES_PER_RULE = 20;
export const MAX_SNIPPET_CHARS = 300;
export const MAX_INCOMPLETE_TARGETS = 5;

export interface ViolationNode {
  /** The CSS selector axe-core gives the element (frames and shadow roots joined by " >>> "). */
  target: string;
  html: string;
  failureSummary?: string;
}
export interface Violation {
  id: string;
  impact: Impact;
  wcag: string[];
  help: string;
  description: string;
  helpUrl: string;
  /** Elements affected (all of them, also those not listed). */
  nodeCount: number;
  nodes: ViolationNode[];
  /** Elements not listed in `nodes` (beyond MAX_NODES_PER_RULE). */
  nodesOmitted: number;
}
export interface NeedsReview {
  id: string;
  impact: Impact | null;
  help: string;
  helpUrl: string;
  nodeCount: number;
  targets: string[];
}

export function impactOf(value: string | null | undefined): Impact {
  return (IMPACTS as readonly string[]).includes(value ?? '') ? (value as Impact) : 'minor';
}

// A target is a list of selectors, one per frame; a shadow DOM step is itself a list.
function targetOf(target: unknown[]): string {
  return target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' >>> ');
}

export function snippet(html: string): string {
  return html.length <= MAX_SNIPPET_CHARS ? html : `${html.slice(0, MAX_SNIPPET_CHARS - 1)}…`;
}

/** One entry per violated rule, worst impact first (then by elements affected), nodes bounded. */
export function groupViolations(rules: AxeRule[]): Violation[] {
  const rank = (i: Impact) => IMPACTS.indexOf(i);
  return rules
    .map((r) => ({
      id: r.id,
      impact: impactOf(r.impact),
      wcag: wcagCriteria(r.tags),
      help: r.help,
      description: r.description,
      helpUrl: r.helpUrl,
      nodeCount: r.nodes.length,
      nodes: r.nodes.slice(0, MAX_NODES_PER_RULE).map((n) => ({
        target: targetOf(n.target),
        html: snippet(n.html),
        ...(n.failureSummary ? { failureSummary: snippet(n.failureSummary) } : {}),
      })),
      nodesOmitted: Math.max(0, r.nodes.length - MAX_NODES_PER_RULE),
    }))
    .sort((a, b) => rank(a.impact) - rank(b.impact) || b.nodeCount - a.nodeCount || a.id.localeCompare(b.id));
}

/** The rules axe-core could not decide ("needs review"), briefly: a few targets each. */
export function needsReview(rules: AxeRule[]): NeedsReview[] {
  return rules.map((r) => ({
    id: r.id,
    impact: r.impact ? impactOf(r.impact) : null,
    help: r.help,
    helpUrl: r.helpUrl,
    nodeCount: r.nodes.length,
    targets: r.nodes.slice(0, MAX_INCOMPLETE_TARGETS).map((n) => targetOf(n.target)),
  }));
}

/** Rules violated per impact, and elements affected over every rule. */
export function violationCounts(violations: Violation[]): Record<Impact, number> & { nodes: number } {
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0, nodes: 0 };
  for (const v of violations) {
    counts[v.impact]++;
    counts.nodes += v.nodeCount;
  }
  return counts;
}
