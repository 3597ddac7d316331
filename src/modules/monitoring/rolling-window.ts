/**
 * Figures "over the last minute" without keeping every observation: cumulative counters (and a latency
 * histogram of log-spaced buckets) are snapshotted at each sample, and the window's figure is the
 * difference between now and the oldest snapshot still inside the window — how Prometheus' `increase()`
 * and `histogram_quantile()` work, at the cost of one array copy per interval.
 */

/** Buckets grow by 2^(1/4) (±9 % on a quantile) from 0.1 ms; the last one holds everything above ~60 s. */
const BUCKET_BASE_SECONDS = 0.0001;
const BUCKETS_PER_DOUBLING = 4;
const BUCKET_COUNT = 80;
const LOG2_STEP = BUCKETS_PER_DOUBLING / Math.LN2;

export const upperBoundSeconds = (i: number): number => BUCKET_BASE_SECONDS * 2 ** (i / BUCKETS_PER_DOUBLING);

/** A cumulative latency histogram: `record` is O(1), a log and an increment. */
export class LatencyHistogram {
  readonly counts = new Float64Array(BUCKET_COUNT);
  record(seconds: number): void {
    const i =
      seconds <= BUCKET_BASE_SECONDS ? 0 : Math.ceil(Math.log(seconds / BUCKET_BASE_SECONDS) * LOG2_STEP);
    this.counts[i < BUCKET_COUNT ? i : BUCKET_COUNT - 1]!++;
  }
}

/** The q-quantile (0–1) of the counts `now - then`, interpolated inside its bucket; null when empty. */
export function quantileOfDifference(now: Float64Array, then: Float64Array | null, q: number): number | null {
  let total = 0;
  for (let i = 0; i < now.length; i++) total += now[i]! - (then?.[i] ?? 0);
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < now.length; i++) {
    const n = now[i]! - (then?.[i] ?? 0);
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : upperBoundSeconds(i - 1);
      return lower + (upperBoundSeconds(i) - lower) * ((rank - seen) / n);
    }
    seen += n;
  }
  return upperBoundSeconds(now.length - 1);
}

export interface Snapshot<T> {
  at: number;
  value: T;
}

/**
 * Snapshots of a cumulative value, one per sample, kept for `windowMs` (and at most `maxSnapshots`, so a
 * very short interval does not keep thousands): `since(now)` answers the oldest one inside the window.
 */
export class SnapshotRing<T> {
  private readonly ring: Snapshot<T>[] = [];
  constructor(
    private readonly windowMs: number,
    private readonly maxSnapshots: number,
  ) {}

  /** Adds the snapshot taken at `at` and returns the oldest one within the window before it (or null). */
  push(at: number, value: T): Snapshot<T> | null {
    while (this.ring.length > 0 && at - this.ring[0]!.at > this.windowMs) this.ring.shift();
    const oldest = this.ring[0] ?? null;
    this.ring.push({ at, value });
    if (this.ring.length > this.maxSnapshots) this.ring.shift();
    return oldest;
  }
}
