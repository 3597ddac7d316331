import type { EngineResult } from '../../engines/index.ts';
import type { BaselineRepository } from './baseline.repository.ts';

/** Fewer successful runs than this give no baseline (a median of four says little). */
export const MIN_BASELINE_RUNS = 5;
/** MAD × 1.4826 estimates the standard deviation of normally distributed values. */
const MAD_TO_SIGMA = 1.4826;
/** Metrics of one result that get a baseline (engines report a handful; this bounds a pathological one). */
export const MAX_BASELINE_METRICS = 50;

export const SUFFIXES = ['_baseline', '_delta_pct', '_zscore'] as const;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: number[], med = median(values)): number {
  return median(values.map((v) => Math.abs(v - med)));
}

/**
 * How `value` compares with `samples` (the previous successful runs): the median, the change from it in
 * percent, and the robust z-score (value − median) / (1.4826 × MAD). A figure without meaning is left
 * out: the percentage when the median is 0, the z-score when the samples do not vary (MAD 0).
 */
export function compare(
  samples: number[],
  value: number,
): { baseline: number; deltaPct?: number; zscore?: number } {
  const baseline = median(samples);
  const spread = mad(samples, baseline) * MAD_TO_SIGMA;
  const out: { baseline: number; deltaPct?: number; zscore?: number } = { baseline };
  if (baseline !== 0) out.deltaPct = ((value - baseline) / Math.abs(baseline)) * 100;
  if (spread > 0) out.zscore = (value - baseline) / spread;
  return out;
}

/** The numeric metrics of a result that get baselines (finite values; at most MAX_BASELINE_METRICS, by name). */
export function baselineMetrics(metrics: Record<string, number> | undefined): Array<[string, number]> {
  return Object.entries(metrics ?? {})
    .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .slice(0, MAX_BASELINE_METRICS);
}

export interface BaselineInfo {
  /** Whether derived metrics were computed (at least MIN_BASELINE_RUNS successful runs before this one). */
  ready: boolean;
  /** Successful runs in the window before this one. */
  runs: number;
  required: number;
  window: number;
}

/**
 * The result enricher the run-test handler calls for a scheduled test: each numeric metric gets
 * `<metric>_baseline`, `<metric>_delta_pct` and `<metric>_zscore` against the window of the schedule's
 * previous successful runs, and `details.baseline` says whether there was a baseline. Once the result is
 * stored, a successful run (passed is not false) joins the window: one statement appends its values and
 * drops the oldest beyond BASELINE_WINDOW, so no run ever re-reads the schedule's history.
 */
export function createBaselineEnricher(deps: { baselines: BaselineRepository; window: number }) {
  return {
    async enrich(test: { scheduleId: string }, result: EngineResult) {
      const measured = baselineMetrics(result.metrics);
      const windows = await deps.baselines.load(
        test.scheduleId,
        measured.map(([name]) => name),
      );
      const runs = Math.max(0, ...[...windows.values()].map((w) => w.length));
      const metrics: Record<string, number> = {};
      if (runs >= MIN_BASELINE_RUNS) {
        for (const [name, value] of measured) {
          const samples = windows.get(name);
          if (!samples || samples.length < MIN_BASELINE_RUNS) continue;
          const c = compare(samples, value);
          metrics[`${name}_baseline`] = c.baseline;
          if (c.deltaPct !== undefined) metrics[`${name}_delta_pct`] = c.deltaPct;
          if (c.zscore !== undefined) metrics[`${name}_zscore`] = c.zscore;
        }
      }
      const baseline: BaselineInfo = {
        ready: runs >= MIN_BASELINE_RUNS,
        runs,
        required: MIN_BASELINE_RUNS,
        window: deps.window,
      };
      return {
        metrics,
        details: { baseline },
        stored: async () => {
          if (result.passed !== false && measured.length)
            await deps.baselines.push(test.scheduleId, measured, deps.window);
        },
      };
    },
  };
}

export type BaselineEnricher = ReturnType<typeof createBaselineEnricher>;
