import type { PlatformSample } from '../../shared/events/index.ts';
import type { HttpTotals } from './http-metrics.ts';
import type { QueueCounts } from './monitoring.service.ts';
import { createProcessFigures } from './process-figures.ts';
import { runProbes, type Probe } from './probes.ts';
import { quantileOfDifference, SnapshotRing } from './rolling-window.ts';

/** What the sampler reads from the rest of the app (ports supplied by app.ts). */
export interface PlatformFigures {
  queueCounts(): Promise<QueueCounts>;
  /** Tests this process finished since it started (the queue module's counters). */
  testsFinished(): { completed: number; failed: number };
  runningTests(): number;
  wsConnections(): number;
  /** Cumulative cache reads and failures of this process. */
  cache(): Promise<{ hits: number; misses: number; errors: number }>;
}

interface Totals {
  latency: Float64Array;
  requests: number;
  errors: number;
  completed: number;
  failed: number;
  hits: number;
  misses: number;
  cacheErrors: number;
}

const WINDOW_MS = 60_000;
/** Snapshots kept: with a very short interval (tests) the window is the last 60 intervals instead of a minute. */
const MAX_SNAPSHOTS = 61;

function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)));
  return Promise.race([promise.catch(() => null), late]).finally(() => clearTimeout(timer));
}

/**
 * Builds one sample of this process: figures over the interval (CPU, event loop), over the last minute
 * (API p95 and 5xx ratio, throughput, cache hit ratio: differences of cumulative totals), and round
 * trips measured now, each bounded by `budgetMs` so a hung dependency delays the heartbeat by no more.
 */
export function createSampleCollector(deps: {
  http: HttpTotals | null;
  figures: PlatformFigures;
  probes: Probe[];
  budgetMs: number;
  startedAt: number;
}) {
  const processFigures = createProcessFigures();
  const ring = new SnapshotRing<Totals>(WINDOW_MS, MAX_SNAPSHOTS);
  const zero = new Float64Array(deps.http?.latency.counts.length ?? 0);

  async function totals(): Promise<Totals> {
    const cache = await within(deps.figures.cache(), deps.budgetMs);
    const finished = deps.figures.testsFinished();
    return {
      latency: deps.http ? Float64Array.from(deps.http.latency.counts) : zero,
      requests: deps.http?.requests ?? 0,
      errors: deps.http?.errors ?? 0,
      completed: finished.completed,
      failed: finished.failed,
      hits: cache?.hits ?? 0,
      misses: cache?.misses ?? 0,
      cacheErrors: cache?.errors ?? 0,
    };
  }

  return {
    async collect(
      at: number,
      instance: Pick<PlatformSample, 'instanceId' | 'role'>,
    ): Promise<PlatformSample> {
      const [probes, queue, now] = await Promise.all([
        runProbes(deps.probes, deps.budgetMs),
        within(deps.figures.queueCounts(), deps.budgetMs),
        totals(),
      ]);
      const before = ring.push(at, now);
      const then = before?.value;
      const coveredMs = Math.max(at - (before?.at ?? deps.startedAt), 1000);
      const perMinute = (n: number) => (n * 60_000) / coveredMs;
      const requests = now.requests - (then?.requests ?? 0);
      const reads = now.hits - (then?.hits ?? 0) + (now.misses - (then?.misses ?? 0));
      const rtt = (name: Probe['name']) => probes.find((p) => p.name === name)?.rttSeconds ?? null;
      const proc = processFigures.read();
      return {
        ...instance,
        at: new Date(at).toISOString(),
        ...proc,
        apiRequestsPerMinute: deps.http ? perMinute(requests) : null,
        apiP95Seconds: quantileOfDifference(now.latency, then?.latency ?? null, 0.95),
        apiErrorRatio: requests > 0 ? (now.errors - (then?.errors ?? 0)) / requests : null,
        queueWaiting: queue?.waiting ?? null,
        queueActive: queue?.active ?? null,
        testsCompletedPerMinute: perMinute(now.completed - (then?.completed ?? 0)),
        testsFailedPerMinute: perMinute(now.failed - (then?.failed ?? 0)),
        runningTests: deps.figures.runningTests(),
        wsConnections: deps.figures.wsConnections(),
        cacheHitRatio: reads > 0 ? (now.hits - (then?.hits ?? 0)) / reads : null,
        cacheErrorsPerMinute: perMinute(now.cacheErrors - (then?.cacheErrors ?? 0)),
        dbRttSeconds: rtt('database'),
        redisRttSeconds: rtt('redis'),
      };
    },
    close: () => processFigures.close(),
  };
}
