import { durationMs } from '../shared/duration.ts';
import type { StressOptions } from './stress.options.ts';

/** A stretch of time over which the number of virtual users moves linearly from `from` to `to`. */
export interface Segment {
  durationMs: number;
  from: number;
  to: number;
}

export type LoadPlan =
  | { mode: 'vus'; segments: Segment[]; durationMs: number; maxUsers: number }
  | { mode: 'rate'; rate: number; durationMs: number; maxUsers: number };

export const DEFAULT_DURATION = '30s';

// Spike: baseline for 40 % of the time, the peak for 20 %, baseline again for the last 40 %.
function spike(base: number, peak: number, total: number): Segment[] {
  return [
    { durationMs: total * 0.4, from: base, to: base },
    { durationMs: total * 0.2, from: peak, to: peak },
    { durationMs: total * 0.4, from: base, to: base },
  ];
}

function segmentsOf(o: StressOptions): Segment[] {
  if (o.stages) {
    let previous = o.startVus;
    return o.stages.map((s) => {
      const seg = { durationMs: durationMs(s.duration), from: previous, to: s.target };
      previous = s.target;
      return seg;
    });
  }
  const total = durationMs(o.duration ?? DEFAULT_DURATION);
  if (o.pattern === 'ramp-up') return [{ durationMs: total, from: o.startVus, to: o.vus }];
  if (o.pattern === 'spike') return spike(o.startVus, o.vus, total);
  return [{ durationMs: total, from: o.vus, to: o.vus }];
}

/** Turns the options into a plan: stages win over pattern; `rate` switches to arrival-rate mode. */
export function buildPlan(o: StressOptions): LoadPlan {
  if (o.rate !== undefined)
    return {
      mode: 'rate',
      rate: o.rate,
      durationMs: durationMs(o.duration ?? DEFAULT_DURATION),
      maxUsers: o.vus,
    };
  const segments = segmentsOf(o);
  const total = segments.reduce((n, s) => n + s.durationMs, 0);
  const maxUsers = Math.max(...segments.flatMap((s) => [s.from, s.to]));
  return { mode: 'vus', segments, durationMs: total, maxUsers };
}

/** Virtual users the plan wants at `elapsedMs` (rounded to whole users). */
export function usersAt(segments: Segment[], elapsedMs: number): number {
  let start = 0;
  for (const s of segments) {
    if (elapsedMs < start + s.durationMs) {
      const f = s.durationMs === 0 ? 1 : (elapsedMs - start) / s.durationMs;
      return Math.round(s.from + (s.to - s.from) * f);
    }
    start += s.durationMs;
  }
  return 0;
}

/** The share of a plan one of `workers` threads runs (users and rate split as evenly as possible). */
export function sharePlan(plan: LoadPlan, index: number, workers: number): LoadPlan {
  const part = (n: number) => Math.floor(n / workers) + (index < n % workers ? 1 : 0);
  if (plan.mode === 'rate')
    return { ...plan, rate: plan.rate / workers, maxUsers: Math.max(1, part(plan.maxUsers)) };
  return {
    ...plan,
    segments: plan.segments.map((s) => ({ ...s, from: part(s.from), to: part(s.to) })),
    maxUsers: part(plan.maxUsers),
  };
}
