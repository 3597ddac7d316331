import type { Impact, Violation } from './axe-results.ts';

/**
 * Points one violated rule costs, by its impact (documented in docs/ENGINES.md). Per rule, not per
 * element: a mistake in a shared template repeats on every list item and is one fix, and a per-element
 * score would rank a long page below a short one with the same problems. The weights keep the order of
 * axe-core's impacts with a wide gap: five critical rules (or ten serious) reach 0, a hundred minor ones
 * are needed for the same.
 */
export const IMPACT_WEIGHTS: Record<Impact, number> = { critical: 20, serious: 10, moderate: 4, minor: 1 };

/** 100 less the weight of every violated rule, floored at 0. */
export function accessibilityScore(violations: Pick<Violation, 'impact'>[]): number {
  const lost = violations.reduce((n, v) => n + IMPACT_WEIGHTS[v.impact], 0);
  return Math.max(0, 100 - lost);
}

/** The verdict: no critical or serious violation (moderate and minor ones lower the score only). */
export function accessibilityPassed(violations: Pick<Violation, 'impact'>[]): boolean {
  return !violations.some((v) => v.impact === 'critical' || v.impact === 'serious');
}
