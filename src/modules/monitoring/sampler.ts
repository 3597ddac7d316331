import { performance } from 'node:perf_hooks';
import type { EventBus, HealthStatus } from '../../shared/events/index.ts';
import type { InstancesRepository } from './instances.repository.ts';
import type { MonitoringService } from './monitoring.service.ts';
import type { createSampleCollector } from './sample-collector.ts';
import type { InstanceInfo, SamplesRepository } from './samples.repository.ts';

interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** Raw samples older than this are folded into one row per instance per minute. */
export const RAW_KEEP_MS = 3_600_000;
/** Rows one maintenance statement touches (a batch), and batches per run of each kind. */
export const MAINTENANCE_BATCH = 5000;
const MAINTENANCE_BATCHES = 4;
const MAINTENANCE_EVERY_MS = 60_000;

export interface SamplerDeps {
  samples: SamplesRepository;
  instances: InstancesRepository;
  collector: ReturnType<typeof createSampleCollector>;
  service: MonitoringService;
  events: EventBus;
  log: Logger;
  /** This process as its heartbeat describes it, read at every tick (its role and running tests change). */
  instance: () => InstanceInfo;
  intervalMs: number;
  retentionMs: number;
  clock: () => number;
}

export interface MaintenanceResult {
  folded: number;
  expired: number;
  pruned: number;
}

/**
 * Every interval: one sample and heartbeat (one statement), published as PlatformSampled. After it, off
 * the heartbeat's path, the overall status is evaluated (a change published once cluster-wide through
 * the compare-and-set in monitoring_status), and once a minute the maintenance runs (downsampling,
 * retention, forgetting old instances; one process at a time, in bounded batches).
 */
export function createSampler(deps: SamplerDeps) {
  const { log } = deps;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let writing: Promise<void> | null = null;
  let evaluating: Promise<void> | null = null;
  let maintaining: Promise<unknown> | null = null;
  let lastMaintenance = 0;
  let failing = false;

  function tick(): Promise<void> {
    writing ??= record().finally(() => (writing = null));
    return writing;
  }

  async function record(): Promise<void> {
    const at = deps.clock();
    try {
      const instance = deps.instance();
      const sample = await deps.collector.collect(at, { instanceId: instance.id, role: instance.role });
      if (stopped) return;
      await deps.samples.record(instance, sample);
      if (failing) log.info({}, 'platform samples recorded again');
      failing = false;
      // Not awaited: with Redis hung, a publish waits for it, and the heartbeat must not.
      void deps.events.publish('PlatformSampled', sample);
    } catch (err) {
      if (!failing) log.warn({ err }, 'platform sample not recorded; retrying every interval');
      failing = true;
    }
    if (stopped) return;
    if (!evaluating) evaluating = evaluate().finally(() => (evaluating = null));
    if (!maintaining && at - lastMaintenance >= MAINTENANCE_EVERY_MS) {
      lastMaintenance = at;
      maintaining = maintain(at)
        .catch((err: unknown) => log.warn({ err }, 'monitoring maintenance failed'))
        .finally(() => (maintaining = null));
    }
  }

  async function evaluate(): Promise<void> {
    try {
      const overview = await deps.service.overview();
      // The compare-and-set needs the database: with it down the write would only wait on a dead
      // connection (the change is announced once it is back, if the status still differs).
      if (stopped || overview.database.status === 'down') return;
      const previous = await deps.instances.changeStatus(overview.status, deps.clock());
      if (previous === null) return;
      const problems = Object.entries(overview).flatMap(([component, part]) =>
        part && typeof part === 'object' && 'status' in part && part.status !== 'ok'
          ? [{ component, status: part.status as HealthStatus, reason: (part as { reason: string }).reason }]
          : [],
      );
      void deps.events.publish('PlatformStatusChanged', {
        status: overview.status,
        previous: previous as HealthStatus | 'unknown',
        problems,
        at: overview.at,
      });
    } catch (err) {
      if (!failing) log.warn({ err }, 'platform status not evaluated');
    }
  }

  /** One maintenance run at `now`: fold raw rows past an hour, delete past the retention, forget old instances. */
  async function maintain(now: number): Promise<MaintenanceResult> {
    const result: MaintenanceResult = { folded: 0, expired: 0, pruned: 0 };
    await deps.instances.exclusively(async (trx) => {
      // Whole minutes only, so a minute is folded once its raw rows are all there.
      const foldBefore = Math.floor((now - RAW_KEEP_MS) / 60_000) * 60_000;
      for (let i = 0; i < MAINTENANCE_BATCHES; i++) {
        const n = await deps.samples.downsample(foldBefore, MAINTENANCE_BATCH, trx);
        result.folded += n;
        if (n < MAINTENANCE_BATCH) break;
      }
      for (let i = 0; i < MAINTENANCE_BATCHES; i++) {
        const n = await deps.samples.expire(now - deps.retentionMs, MAINTENANCE_BATCH, trx);
        result.expired += n;
        if (n < MAINTENANCE_BATCH) break;
      }
      result.pruned = await deps.instances.prune(now - deps.retentionMs, MAINTENANCE_BATCH, trx);
    });
    return result;
  }

  function schedule(): void {
    if (stopped) return;
    const started = performance.now();
    void tick().finally(() => {
      if (stopped) return;
      // Fixed rate: the next tick is due an interval after this one started, not after it finished.
      const wait = Math.max(0, deps.intervalMs - (performance.now() - started));
      timer = setTimeout(schedule, wait);
    });
  }

  return {
    start: schedule,
    /** One sample now (tests; the timer keeps its own rhythm). */
    sampleNow: tick,
    /** Waits for the status evaluation in flight, if any (tests). */
    settled: () => Promise.all([evaluating, maintaining]).then(() => undefined),
    maintain,
    /** Stops sampling and, on a graceful shutdown, says so in the instance's row. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      deps.collector.close();
      // A sample in flight would write its heartbeat after the stop below, and clear it.
      await Promise.allSettled([writing, evaluating, maintaining]);
      await deps.instances
        .markStopped(deps.instance().id, deps.clock())
        .catch((err: unknown) => log.warn({ err }, 'instance not marked stopped'));
    },
  };
}

export type Sampler = ReturnType<typeof createSampler>;
