import { median } from '../shared/outbound-of.ts';
import { numericOf, overallScore, type Lhr } from './lhr.ts';

const squared = (x: number) => x * x;

/**
 * Which run to report out of several, the way Lighthouse (`core/lib/median-run.js`) and LHCI
 * (`computeRepresentativeRuns`) choose: the run closest (Euclidean distance) to the median FCP and the
 * median TTI, ties going to the lower TTI, then to the earlier run. FCP and TTI bracket the load (its
 * first and last moment), so the chosen run is a typical load as a whole; taking the median of each
 * metric separately would report figures no single load had.
 *
 * Runs without both metrics (performance not audited) fall back to the run whose score is closest to
 * the median score. Returns the index of the chosen run; 0 for a single run.
 */
export function medianRunIndex(runs: readonly Lhr[]): number {
  if (runs.length === 0) throw new Error('no runs to choose from');
  if (runs.length === 1) return 0;
  const timed = runs.map((lhr) => ({
    fcp: numericOf(lhr, 'first-contentful-paint'),
    tti: numericOf(lhr, 'interactive'),
  }));
  if (timed.every((t) => t.fcp !== undefined && t.tti !== undefined)) {
    const fcps = timed.map((t) => t.fcp!);
    const ttis = timed.map((t) => t.tti!);
    const mFcp = median(fcps);
    const mTti = median(ttis);
    return closest(runs.length, (i) => squared(fcps[i]! - mFcp) + squared(ttis[i]! - mTti), ttis);
  }
  const scores = runs.map((lhr) => overallScore(lhr));
  if (scores.some((s) => s === undefined)) return 0;
  const mScore = median(scores as number[]);
  return closest(runs.length, (i) => Math.abs(scores[i]! - mScore));
}

function closest(n: number, distance: (i: number) => number, tieBreak?: number[]): number {
  let best = 0;
  for (let i = 1; i < n; i++) {
    const d = distance(i) - distance(best);
    if (d < 0 || (d === 0 && tieBreak && tieBreak[i]! < tieBreak[best]!)) best = i;
  }
  return best;
}
