import type { EngineContext } from '../engine.ts';
import { costOf, type PartPlan } from './website-part.ts';

type Progress = EngineContext<unknown>['progress'];

/**
 * One progress bar over the parts: each runnable part gets a share of 0–99 by its expected cost, its
 * own messages prefixed with its key. The bar never moves back (a part may report out of order).
 */
export function partProgress(plans: PartPlan[], progress: Progress) {
  const costs = plans.map((p) => ('engine' in p ? costOf(p.part, p.engine) : 0));
  const total = costs.reduce((a, b) => a + b, 0) || 1;
  let last = 0;
  const emit = (percent: number, message: string) => {
    last = Math.max(last, Math.min(99, Math.floor(percent)));
    progress(last, message);
  };
  return {
    /** The progress callback of the i-th part. */
    scoped(i: number): Progress {
      const start = (99 * costs.slice(0, i).reduce((a, b) => a + b, 0)) / total;
      const span = (99 * costs[i]!) / total;
      const key = plans[i]!.part.key;
      return (percent, message) =>
        emit(start + (span * Math.min(100, Math.max(0, percent))) / 100, `${key}: ${message}`);
    },
    done: () => progress(100, 'Done'),
  };
}
