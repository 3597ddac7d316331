/**
 * Monitoring: readiness and liveness (/health), Prometheus exposition (/metrics), the platform sampler and
 * instance heartbeats, and /api/monitoring (overview, series, instances). docs/MONITORING.md.
 */
import type { FastifyInstance } from 'fastify';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/index.ts';
import type { Database } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import type { RedisFactory } from '../../shared/redis/index.ts';
import { READY_TIMEOUT_MS, registerHealthRoutes } from './health.routes.ts';
import type { HttpTotals } from './http-metrics.ts';
import { createInstancesRepository } from './instances.repository.ts';
import type { Instruments } from './instruments.ts';
import { registerMetricsRoute } from './metrics.ts';
import { registerMonitoringRoutes } from './monitoring.routes.ts';
import { createMonitoringService, type MonitoringService } from './monitoring.service.ts';
import { databaseProbe, redisProbe, type Probe } from './probes.ts';
import { createSampleCollector, type PlatformFigures } from './sample-collector.ts';
import { createSampler, type Sampler } from './sampler.ts';
import { createSamplesRepository, type InstanceInfo } from './samples.repository.ts';

export { createInstruments, type Instruments } from './instruments.ts';
export { registerHttpMetrics, type HttpTotals } from './http-metrics.ts';
export type { PlatformFigures } from './sample-collector.ts';
export type { MonitoringService } from './monitoring.service.ts';
export type { Sampler, MaintenanceResult } from './sampler.ts';

export interface MonitoringModuleDeps {
  config: Config;
  database: Database;
  /** null in embedded mode: no Redis probe. */
  redis: RedisFactory | null;
  events: EventBus;
  /** Built first (createInstruments) so the database and Redis could be given its observers. */
  instruments: Instruments;
  /**
   * The HTTP histogram's totals (registerHttpMetrics, called before any route is registered); null when
   * monitoring is disabled.
   */
  http: HttpTotals | null;
  /** The other modules' registries, merged into /metrics. */
  registries: Registry[];
  figures: PlatformFigures;
  /** This process: its id (as on the tests it runs), version, and worker slots (0 without a worker). */
  instance: { id: string; version: string; concurrency: number };
  /** false leaves out the sampler (and app.ts the HTTP histogram): bench/monitoring measures what they cost. */
  enabled?: boolean;
  /** Time of samples, heartbeats and status rules; tests move it. */
  clock?: () => number;
}

export interface Monitoring {
  service: MonitoringService;
  /** null when monitoring is disabled. */
  sampler: Sampler | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    monitoring: Monitoring;
  }
}

/** The sampler's probes wait at most half an interval (and a second), so a hung dependency cannot stall heartbeats. */
const sampleBudgetMs = (intervalMs: number) => Math.min(1000, Math.max(50, Math.floor(intervalMs / 2)));

function instanceInfo(app: FastifyInstance, deps: MonitoringModuleDeps, startedAt: number) {
  const host = hostname();
  return (): InstanceInfo => {
    const api = app.server.listening;
    const worker = deps.instance.concurrency > 0;
    return {
      id: deps.instance.id,
      role: api && worker ? 'api+worker' : worker ? 'worker' : 'api',
      host,
      pid: process.pid,
      version: deps.instance.version,
      startedAt,
      concurrency: deps.instance.concurrency,
      running: deps.figures.runningTests(),
    };
  };
}

export function monitoringModule(app: FastifyInstance, deps: MonitoringModuleDeps): Monitoring {
  const { config, database } = deps;
  const { intervalMs, retentionMs } = config.monitoring;
  const clock = deps.clock ?? Date.now;
  const enabled = deps.enabled ?? true;
  const startedAt = clock();
  deps.instruments.watchPool(() => database.pool());
  const redis = deps.redis ? redisProbe(deps.redis, READY_TIMEOUT_MS) : null;
  if (redis) app.addHook('onClose', async () => void redis.client.disconnect());
  const probes: Probe[] = [databaseProbe(database), ...(redis ? [redis] : [])];
  registerHealthRoutes(app, probes);
  const { http } = deps;
  registerMetricsRoute(app, {
    registries: [deps.instruments.registry, ...deps.registries],
    token: config.metricsToken,
  });

  const samples = createSamplesRepository(database.db);
  const instances = createInstancesRepository(database.db);
  const service = createMonitoringService({
    samples,
    instances,
    probes,
    queueCounts: () => deps.figures.queueCounts(),
    intervalMs,
    retentionMs,
    clock,
  });
  registerMonitoringRoutes(app, service);

  const sampler = enabled
    ? createSampler({
        samples,
        instances,
        collector: createSampleCollector({
          http,
          figures: deps.figures,
          probes,
          budgetMs: sampleBudgetMs(intervalMs),
          startedAt,
        }),
        service,
        events: deps.events,
        log: app.log.child({ module: 'monitoring' }),
        instance: instanceInfo(app, deps, startedAt),
        intervalMs,
        retentionMs,
        clock,
      })
    : null;
  if (sampler) {
    app.addHook('onReady', async () => sampler.start());
    app.addHook('preClose', async () => sampler.stop());
  }
  const monitoring = { service, sampler };
  app.decorate('monitoring', monitoring);
  return monitoring;
}
export { SAMPLE_METRICS, type SampleMetric } from './sample-catalog.ts';
