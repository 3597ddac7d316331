import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { Pool, type Dispatcher } from 'undici';
import { checkUrlTarget, createGuardedConnector, errorKind } from '../../../../shared/outbound/index.ts';
import { usersAt } from './load-plan.ts';
import type { LoadConfig, TickMessage } from './worker-protocol.ts';

/** After a network error a virtual user pauses briefly, so a refusing target does not become a busy loop. */
const ERROR_PAUSE_MS = 10;
/** How long requests in flight may finish after the planned duration before they are dropped. */
const DRAIN_MS = 2000;

export function newHistogram(): hdr.Histogram {
  return hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3 });
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
 * `report` posts to the main thread. Resolves when the plan is over or `stop` was called.
 */
export function startLoad(config: LoadConfig, report: (tick: TickMessage) => void) {
  const url = checkUrlTarget(config.url, config.allowPrivateTargets);
  const connect = createGuardedConnector({ allowPrivateTargets: config.allowPrivateTargets, rejectUnauthorized: !config.insecureTls, connectTimeoutMs: config.timeoutMs });
  const pool = new Pool(url.origin, { connections: Math.max(1, config.plan.maxUsers), pipelining: 1, connect, headersTimeout: config.timeoutMs, bodyTimeout: config.timeoutMs });
  const request: Dispatcher.DispatchOptions = { path: url.pathname + url.search, method: config.method as Dispatcher.HttpMethod, headers: config.headers, body: config.body, headersTimeout: config.timeoutMs, bodyTimeout: config.timeoutMs };
  const histogram = newHistogram();
  let interval = emptyInterval();
  let stopping = false;
  let inFlight = 0;
  let running = 0;
  const start = performance.now();
  let lastTick = start;
  let second = 0;

  // Callbacks rather than a promise per request, and undici's native (legacy) handler methods: the new
  // onResponse* API is wrapped into these by undici 7 and parses every header block, which costs
  // throughput the benchmark can see.
  const fire = (done: (ok: boolean) => void): void => {
    const began = performance.now();
    let status = 0;
    inFlight++;
    pool.dispatch(request, {
      onConnect: () => undefined,
      onHeaders: (statusCode) => {
        status = statusCode;
        return true;
      },
      onData: (chunk) => {
        interval.bytes += chunk.length;
        return true;
      },
      onComplete: () => {
        histogram.recordValue(Math.max(1, Math.round((performance.now() - began) * 1000)));
        interval.requests++;
        interval.statuses[status] = (interval.statuses[status] ?? 0) + 1;
        inFlight--;
        done(true);
      },
      onError: (err) => {
        // Requests cut off by a stop are neither successes nor target errors.
        if (!stopping) {
          const kind = errorKind(err);
          const bucket = kind === 'timeout' || kind === 'refused' || kind === 'reset' ? kind : 'other';
          interval.requests++;
          interval.errors[bucket] = (interval.errors[bucket] ?? 0) + 1;
        }
        inFlight--;
        done(false);
      },
    });
  };

  const tick = (final: boolean) => {
    const now = performance.now();
    const active = config.plan.mode === 'vus' ? running : inFlight;
    report({ type: 'tick', second: second++, durationMs: now - lastTick, ...interval, histogram: hdr.encodeIntoCompressedBase64(histogram), activeUsers: active, final });
    histogram.reset();
    interval = emptyInterval();
    lastTick = now;
  };

  // One virtual user: a request, then the next as soon as it ends, while the plan still wants this user.
  const vu = (id: number, wanted: () => number, exit: () => void) => {
    running++;
    const next = (ok: boolean) => {
      if (stopping || id >= wanted()) {
        running--;
        return exit();
      }
      if (ok) fire(next);
      else setTimeout(() => fire(next), ERROR_PAUSE_MS);
    };
    next(true);
  };

  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const timers: NodeJS.Timeout[] = [];
  const elapsed = () => performance.now() - start;
  const plan = config.plan;

  if (plan.mode === 'vus') {
    let wanted = 0;
    const ids = new Set<number>();
    const adjust = () => {
      wanted = usersAt(plan.segments, elapsed());
      for (let id = 0; id < wanted; id++) {
        if (ids.has(id)) continue;
        ids.add(id);
        vu(id, () => wanted, () => ids.delete(id));
      }
    };
    adjust();
    timers.push(setInterval(adjust, 100));
  } else {
    let started = 0;
    timers.push(
      setInterval(() => {
        const due = Math.min(Math.floor((plan.rate * elapsed()) / 1000) - started, Math.ceil(plan.rate));
        for (let i = 0; i < due; i++) {
          if (inFlight >= plan.maxUsers) interval.dropped++;
          else fire(() => undefined);
        }
        started += Math.max(0, due);
      }, 10),
    );
  }
  timers.push(setInterval(() => tick(false), 1000));

  const stop = async (abort: boolean) => {
    if (stopping) return done;
    stopping = true;
    for (const t of timers) clearInterval(t);
    // A graceful end lets requests in flight complete or time out (they are measured), for at most
    // DRAIN_MS; undici's header/body timers tick about once a second, hence the extra second.
    const deadline = performance.now() + (abort ? 0 : Math.min(DRAIN_MS, config.timeoutMs + 1000));
    while (!abort && inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await pool.destroy().catch(() => undefined);
    tick(true);
    finish();
    return done;
  };
  timers.push(setTimeout(() => void stop(false), plan.durationMs));
  return { stop, done };
}
