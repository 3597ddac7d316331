import * as hdr from 'hdr-histogram-js';
import { newHistogram } from './load-generator.ts';
import type { TickMessage } from './worker-protocol.ts';

/** One second of the run, as shown live and stored in the result's series. */
export interface SecondStats {
  second: number;
  durationMs: number;
  requests: number;
  rps: number;
  errors: number;
  latency_p50_ms: number;
  latency_p95_ms: number;
  latency_p99_ms: number;
  active_users: number;
  bytes: number;
}

const ms = (us: number) => Math.round(us / 10) / 100;

/** Merges the per-second reports of all workers into totals and a per-second series. */
export class StressAggregate {
  readonly total = newHistogram();
  readonly statuses: Record<string, number> = {};
  readonly networkErrors: Record<string, number> = {};
  requests = 0;
  bytes = 0;
  dropped = 0;
  maxUsers = 0;
  readonly series: SecondStats[] = [];
  private readonly pending = new Map<number, { ticks: TickMessage[]; histogram: hdr.Histogram }>();
  private liveWorkers: number;

  constructor(workers: number) {
    this.liveWorkers = workers;
  }

  /** Adds one worker tick; returns the seconds that became complete (every live worker reported). */
  add(tick: TickMessage): SecondStats[] {
    const interval = hdr.decodeFromCompressedBase64(tick.histogram, 32, false);
    this.total.add(interval);
    this.requests += tick.requests;
    this.bytes += tick.bytes;
    this.dropped += tick.dropped;
    for (const [code, n] of Object.entries(tick.statuses))
      this.statuses[code] = (this.statuses[code] ?? 0) + n;
    for (const [kind, n] of Object.entries(tick.errors))
      this.networkErrors[kind] = (this.networkErrors[kind] ?? 0) + n;
    const entry = this.pending.get(tick.second) ?? { ticks: [], histogram: newHistogram() };
    entry.ticks.push(tick);
    entry.histogram.add(interval);
    this.pending.set(tick.second, entry);
    if (tick.final) this.liveWorkers--;
    return this.flush(false);
  }

  /** Completes seconds every live worker has reported, or all of them when `all` (the run is over). */
  flush(all: boolean): SecondStats[] {
    const done: SecondStats[] = [];
    for (const [second, entry] of [...this.pending].sort((a, b) => a[0] - b[0])) {
      if (!all && entry.ticks.length < Math.max(1, this.liveWorkers)) break;
      this.pending.delete(second);
      done.push(this.toSecond(second, entry.ticks, entry.histogram));
    }
    this.series.push(...done);
    return done;
  }

  private toSecond(second: number, ticks: TickMessage[], h: hdr.Histogram): SecondStats {
    const requests = ticks.reduce((n, t) => n + t.requests, 0);
    const durationMs = Math.max(...ticks.map((t) => t.durationMs));
    const users = ticks.reduce((n, t) => n + t.activeUsers, 0);
    this.maxUsers = Math.max(this.maxUsers, users);
    const httpErrors = ticks.reduce(
      (n, t) =>
        n +
        Object.entries(t.statuses)
          .filter(([c]) => Number(c) >= 400)
          .reduce((m, [, v]) => m + v, 0),
      0,
    );
    const netErrors = ticks.reduce((n, t) => n + Object.values(t.errors).reduce((a, b) => a + b, 0), 0);
    return {
      second,
      durationMs: Math.round(durationMs),
      requests,
      rps: durationMs > 0 ? Math.round((requests / durationMs) * 100_000) / 100 : 0,
      errors: httpErrors + netErrors,
      latency_p50_ms: ms(h.getValueAtPercentile(50)),
      latency_p95_ms: ms(h.getValueAtPercentile(95)),
      latency_p99_ms: ms(h.getValueAtPercentile(99)),
      active_users: users,
      bytes: ticks.reduce((n, t) => n + t.bytes, 0),
    };
  }

  /** The result metrics (stable names, documented in docs/ENGINES.md). */
  metrics(elapsedMs: number): Record<string, number> {
    const h = this.total;
    const count = (predicate: (code: number) => boolean) =>
      Object.entries(this.statuses)
        .filter(([c]) => predicate(Number(c)))
        .reduce((n, [, v]) => n + v, 0);
    const errors4xx = count((c) => c >= 400 && c < 500);
    const errors5xx = count((c) => c >= 500);
    const net = (k: string) => this.networkErrors[k] ?? 0;
    const errorsTotal = errors4xx + errors5xx + Object.values(this.networkErrors).reduce((a, b) => a + b, 0);
    // Short tail seconds (the drain after the planned end) would overstate the peak.
    const full = this.series.filter((s) => s.durationMs >= 500);
    const has = h.totalCount > 0;
    return {
      requests_total: this.requests,
      rps_mean: elapsedMs > 0 ? Math.round((this.requests / elapsedMs) * 100_000) / 100 : 0,
      rps_max: Math.max(0, ...full.map((s) => s.rps)),
      latency_min_ms: has ? ms(h.minNonZeroValue) : 0,
      latency_mean_ms: has ? ms(h.mean) : 0,
      latency_p50_ms: ms(h.getValueAtPercentile(50)),
      latency_p90_ms: ms(h.getValueAtPercentile(90)),
      latency_p95_ms: ms(h.getValueAtPercentile(95)),
      latency_p99_ms: ms(h.getValueAtPercentile(99)),
      latency_max_ms: has ? ms(h.maxValue) : 0,
      error_rate: this.requests > 0 ? Math.round((errorsTotal / this.requests) * 1e6) / 1e6 : 0,
      errors_total: errorsTotal,
      errors_timeout: net('timeout'),
      errors_refused: net('refused'),
      errors_reset: net('reset'),
      errors_other: net('other'),
      errors_4xx: errors4xx,
      errors_5xx: errors5xx,
      bytes_received: this.bytes,
      dropped_requests: this.dropped,
      vus_max: this.maxUsers,
      duration_s: Math.round(elapsedMs / 10) / 100,
    };
  }
}
