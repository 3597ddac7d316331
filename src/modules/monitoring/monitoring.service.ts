import type { PlatformSample } from '../../shared/events/index.ts';
import type { InstanceRow, InstancesRepository } from './instances.repository.ts';
import type { InstanceView, InstancesQuery, Overview, Series, SeriesQuery } from './monitoring.schemas.ts';
import { runProbes, type Probe, type ProbeResult } from './probes.ts';
import { SAMPLE_METRICS } from './sample-catalog.ts';
import type { SamplesRepository } from './samples.repository.ts';
import { resolveSeries } from './series-params.ts';
import * as rules from './status-rules.ts';

/** How long the overview waits for each of its reads and probes (they run at once). */
export const OVERVIEW_TIMEOUT_MS = 1000;

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
}

export interface MonitoringServiceDeps {
  samples: SamplesRepository;
  instances: InstancesRepository;
  probes: Probe[];
  /** The queue's counts (the driver's view: Redis in services mode, the table in embedded mode). */
  queueCounts: () => Promise<QueueCounts>;
  intervalMs: number;
  retentionMs: number;
  clock: () => number;
}

function bounded<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ error: string }>((resolve) => {
    timer = setTimeout(() => resolve({ error: `did not answer within ${ms} ms` }), ms);
  });
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      () => ({ error: 'is unreachable' }),
    ),
    late,
  ]).finally(() => clearTimeout(timer));
}

const UNKNOWN = { status: 'degraded', reason: 'unknown: the database did not answer' } as const;

export function createMonitoringService(deps: MonitoringServiceDeps) {
  const { intervalMs } = deps;

  function view(row: InstanceRow, now: number): InstanceView {
    const last = new Date(row.last_heartbeat).getTime();
    const silentMs = Math.max(0, now - last);
    const status = row.stopped_at
      ? 'stopped'
      : silentMs > rules.THRESHOLDS.missedHeartbeats * intervalMs
        ? 'down'
        : 'up';
    return {
      id: row.id,
      role: row.role,
      host: row.host,
      pid: row.pid,
      version: row.version,
      startedAt: new Date(row.started_at).toISOString(),
      lastHeartbeat: new Date(last).toISOString(),
      stoppedAt: row.stopped_at ? new Date(row.stopped_at).toISOString() : null,
      concurrency: row.concurrency,
      running: row.running,
      status,
      missedHeartbeats: Math.floor(silentMs / intervalMs),
    };
  }

  function instancesPart(views: InstanceView[] | null): Overview['instances'] {
    if (!views) return { ...UNKNOWN, up: 0, down: 0, stopped: 0, items: [] };
    const up = views.filter((v) => v.status === 'up');
    const down = views.filter((v) => v.status === 'down');
    const workers = up.filter((v) => v.concurrency > 0);
    const verdict = rules.instancesVerdict({
      up: up.length,
      recentlyDown: down.map((v) => v.id),
      workersUp: workers.length,
      slots: workers.reduce((n, v) => n + v.concurrency, 0),
    });
    return {
      ...verdict,
      up: up.length,
      down: down.length,
      stopped: views.length - up.length - down.length,
      items: views.slice(0, 100),
    };
  }

  function queuePart(
    counts: { value: QueueCounts } | { error: string },
    views: InstanceView[] | null,
  ): Overview['queue'] {
    const workers = (views ?? []).filter((v) => v.status === 'up' && v.concurrency > 0);
    const slots = workers.reduce((n, v) => n + v.concurrency, 0);
    const value = 'value' in counts ? counts.value : null;
    const verdict = views
      ? rules.queueVerdict({
          counts: value,
          failure: 'error' in counts ? counts.error : null,
          workersUp: workers.length,
          slots,
        })
      : UNKNOWN;
    return {
      ...verdict,
      waiting: value?.waiting ?? null,
      active: value?.active ?? null,
      delayed: value?.delayed ?? null,
      workers: workers.length,
      slots,
    };
  }

  function samplesParts(samples: PlatformSample[] | null, redis: ProbeResult | null) {
    const list = samples ?? [];
    const api = rules.apiFigures(list);
    const hits = list.map((s) => s.cacheHitRatio).filter((r): r is number => r !== null);
    const hitRatio = hits.length ? hits.reduce((a, b) => a + b, 0) / hits.length : null;
    const cacheErrors = list.reduce((n, s) => n + (s.cacheErrorsPerMinute ?? 0), 0);
    const connections = list.reduce((n, s) => n + (s.wsConnections ?? 0), 0);
    const pick = <V extends rules.Verdict>(v: V) => (samples ? v : UNKNOWN);
    return {
      apiLatency: {
        ...pick(rules.latencyVerdict(api.p95)),
        p95Seconds: api.p95,
        requestsPerMinute: api.requests,
      },
      errorRate: {
        ...pick(rules.errorRateVerdict(api.requests, api.errors)),
        ratio: api.requests > 0 ? api.errors / api.requests : null,
        requestsPerMinute: api.requests,
      },
      cache: { ...pick(rules.cacheVerdict(hitRatio, cacheErrors)), hitRatio, errorsPerMinute: cacheErrors },
      websocket: {
        ...pick(rules.websocketVerdict(connections, redis)),
        connections: Math.round(connections),
      },
    };
  }

  return {
    /** The platform now: every component with its status and why; answers within OVERVIEW_TIMEOUT_MS. */
    async overview(): Promise<Overview> {
      const now = deps.clock();
      const [probes, seen, latest, counts] = await Promise.all([
        runProbes(deps.probes, OVERVIEW_TIMEOUT_MS),
        bounded(deps.instances.seenSince(now - rules.THRESHOLDS.downRelevantMs), OVERVIEW_TIMEOUT_MS),
        bounded(
          deps.samples.latest(now - rules.THRESHOLDS.missedHeartbeats * intervalMs),
          OVERVIEW_TIMEOUT_MS,
        ),
        bounded(deps.queueCounts(), OVERVIEW_TIMEOUT_MS),
      ]);
      const views = 'value' in seen ? seen.value.map((row) => view(row, now)) : null;
      const db = probes.find((p) => p.name === 'database')!;
      const redis = probes.find((p) => p.name === 'redis') ?? null;
      const parts = {
        instances: instancesPart(views),
        queue: queuePart(counts, views),
        ...samplesParts('value' in latest ? latest.value : null, redis),
        database: {
          ...rules.dependencyVerdict(db, rules.THRESHOLDS.databaseRttDegradedSeconds),
          rttSeconds: db.rttSeconds,
        },
        redis: redis && {
          ...rules.dependencyVerdict(redis, rules.THRESHOLDS.redisRttDegradedSeconds),
          rttSeconds: redis.rttSeconds,
        },
      };
      const statuses = Object.values(parts).flatMap((p) => (p ? [p.status] : []));
      return { status: rules.worst(statuses), at: new Date(now).toISOString(), ...parts };
    },

    async series(q: SeriesQuery): Promise<Series> {
      const resolved = resolveSeries(q, { ...deps, nowMs: deps.clock() });
      const points = await deps.samples.series(resolved);
      const spec = SAMPLE_METRICS[resolved.metric];
      return {
        metric: resolved.metric,
        unit: spec.unit,
        description: spec.description,
        from: new Date(resolved.fromMs).toISOString(),
        to: new Date(resolved.toMs).toISOString(),
        stepSeconds: resolved.stepMs / 1000,
        points: points.map((p) => ({ t: new Date(p.t).toISOString(), value: p.value })),
      };
    },

    async instances(q: InstancesQuery): Promise<{ items: InstanceView[]; nextCursor: string | null }> {
      const page = await deps.instances.list(q.limit ?? 100, q.cursor);
      const now = deps.clock();
      return { items: page.items.map((row) => view(row, now)), nextCursor: page.nextCursor };
    },
  };
}

export type MonitoringService = ReturnType<typeof createMonitoringService>;
