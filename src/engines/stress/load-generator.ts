import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { Pool, type Dispatcher } from 'undici';
import {
  addressPolicy,
  checkUrlTarget,
  createGuardedConnector,
  errorKind,
} from '../../shared/outbound/index.ts';
import { usersAt, type LoadPlan } from './load-plan.ts';
import { RequestHandler, type LoadRecorder } from './request-handler.ts';
import type { LoadConfig, TickMessage } from './worker-protocol.ts';

/** After a network error a virtual user pauses briefly, so a refusing target does not become a busy loop. */
const ERROR_PAUSE_MS = 10;
/** How long requests in flight may finish after the planned duration before they are dropped. */
const DRAIN_MS = 2000;

export function newHistogram(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: true,
    lowestDiscernibleValue: 1,
    numberOfSignificantValueDigits: 3,
  });
}

interface Interval {
  requests: number;
  statuses: Record<string, number>;
  errors: Record<string, number>;
  bytes: number;
  dropped: number;
}

const emptyInterval = (): Interval => ({ requests: 0, statuses: {}, errors: {}, bytes: 0, dropped: 0 });

/**
 * Generates the planned load against one URL and reports every second. Runs inside a worker thread;
 * `report` posts to the main thread. `done` resolves when the plan is over or `stop` was called.
 */
class LoadGenerator {
  readonly done: Promise<void>;
  private finish: () => void = () => undefined;
  private readonly pool: Pool;
  private readonly request: Dispatcher.DispatchOptions;
  private readonly histogram = newHistogram();
  private interval = emptyInterval();
  /** No new requests once set. */
  private stopping = false;
  /** Set when the pool is torn down: errors from then on are ours, not the target's. */
  private discarding = false;
  private inFlight = 0;
  private running = 0;
  private readonly start = performance.now();
  private lastTick = this.start;
  private second = 0;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly config: LoadConfig,
    private readonly report: (tick: TickMessage) => void,
  ) {
    const policy = addressPolicy(config.publicAddresses);
    const url = checkUrlTarget(config.url, config.allowPrivateTargets, policy);
    const connect = createGuardedConnector({
      allowPrivateTargets: config.allowPrivateTargets,
      rejectUnauthorized: !config.insecureTls,
      connectTimeoutMs: config.timeoutMs,
      addressPolicy: policy,
    });
    this.pool = new Pool(url.origin, {
      connections: Math.max(1, config.plan.maxUsers),
      pipelining: 1,
      connect,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
    });
    this.request = {
      path: url.pathname + url.search,
      method: config.method as Dispatcher.HttpMethod,
      headers: config.headers,
      body: config.body,
      headersTimeout: config.timeoutMs,
      bodyTimeout: config.timeoutMs,
    };
    this.done = new Promise<void>((resolve) => (this.finish = resolve));
    const plan = config.plan;
    if (plan.mode === 'vus') this.runUsers(plan.segments);
    else this.runRate(plan);
    this.timers.push(setInterval(() => this.tick(false), 1000));
    this.timers.push(setTimeout(() => void this.stop(false), plan.durationMs));
  }

  private elapsed(): number {
    return performance.now() - this.start;
  }

  private readonly recorder: LoadRecorder = {
    response: (status, latencyMs) => {
      this.histogram.recordValue(Math.max(1, Math.round(latencyMs * 1000)));
      this.interval.requests++;
      this.interval.statuses[status] = (this.interval.statuses[status] ?? 0) + 1;
      this.inFlight--;
    },
    bytes: (count) => void (this.interval.bytes += count),
    error: (err) => {
      this.countError(err);
      this.inFlight--;
    },
  };

  /** Sends one request; callbacks rather than a promise per request keep the hot loop cheap. */
  private fire(handler: RequestHandler, done: (ok: boolean) => void): void {
    this.inFlight++;
    this.pool.dispatch(this.request, handler.arm(done));
  }

  private countError(err: Error): void {
    // Requests cut off by a stop are neither successes nor target errors.
    if (this.discarding) return;
    const kind = errorKind(err);
    const bucket = kind === 'timeout' || kind === 'refused' || kind === 'reset' ? kind : 'other';
    this.interval.requests++;
    this.interval.errors[bucket] = (this.interval.errors[bucket] ?? 0) + 1;
  }

  private tick(final: boolean): void {
    const now = performance.now();
    const active = this.config.plan.mode === 'vus' ? this.running : this.inFlight;
    this.report({
      type: 'tick',
      second: this.second++,
      durationMs: now - this.lastTick,
      ...this.interval,
      histogram: hdr.encodeIntoCompressedBase64(this.histogram),
      activeUsers: active,
      final,
    });
    this.histogram.reset();
    this.interval = emptyInterval();
    this.lastTick = now;
  }

  /** One virtual user: a request, then the next as soon as it ends, while the plan still wants this user. */
  private user(id: number, wanted: () => number, exit: () => void): void {
    this.running++;
    const handler = new RequestHandler(this.recorder);
    const next = (ok: boolean) => {
      if (this.stopping || id >= wanted()) {
        this.running--;
        return exit();
      }
      if (ok) this.fire(handler, next);
      else setTimeout(() => this.fire(handler, next), ERROR_PAUSE_MS);
    };
    next(true);
  }

  /** Every 100 ms, starts the users the plan wants now; users above the target leave after their request. */
  private runUsers(segments: Extract<LoadPlan, { mode: 'vus' }>['segments']): void {
    let wanted = 0;
    const ids = new Set<number>();
    const adjust = () => {
      wanted = usersAt(segments, this.elapsed());
      for (let id = 0; id < wanted; id++) {
        if (ids.has(id)) continue;
        ids.add(id);
        this.user(
          id,
          () => wanted,
          () => ids.delete(id),
        );
      }
    };
    adjust();
    this.timers.push(setInterval(adjust, 100));
  }

  /** Starts requests on schedule whatever the latency; with `maxUsers` in flight, an arrival is dropped. */
  private runRate(plan: Extract<LoadPlan, { mode: 'rate' }>): void {
    let started = 0;
    const schedule = () => {
      // Arrivals are due by the clock (a late timer catches up) but never beyond the planned duration.
      const elapsed = Math.min(this.elapsed(), plan.durationMs);
      const due = Math.min(Math.floor((plan.rate * elapsed) / 1000) - started, Math.ceil(plan.rate));
      for (let i = 0; i < due; i++) {
        if (this.inFlight >= plan.maxUsers) this.interval.dropped++;
        else this.fire(new RequestHandler(this.recorder), () => undefined);
      }
      started += Math.max(0, due);
    };
    this.timers.push(setInterval(schedule, 10));
  }

  async stop(abort: boolean): Promise<void> {
    if (this.stopping) return this.done;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    // A graceful end lets requests in flight complete or time out (they are measured), for at most
    // DRAIN_MS; undici's header/body timers tick about once a second, hence the extra second.
    const deadline = performance.now() + (abort ? 0 : Math.min(DRAIN_MS, this.config.timeoutMs + 1000));
    while (!abort && this.inFlight > 0 && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    this.discarding = true;
    await this.pool.destroy().catch(() => undefined);
    this.tick(true);
    this.finish();
    return this.done;
  }
}

export function startLoad(
  config: LoadConfig,
  report: (tick: TickMessage) => void,
): { stop(abort: boolean): Promise<void>; done: Promise<void> } {
  const generator = new LoadGenerator(config, report);
  return { stop: (abort) => generator.stop(abort), done: generator.done };
}
