import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import { createBaselineEnricher, type BaselineEnricher } from './baseline.ts';
import { createBaselineRepository } from './baseline.repository.ts';
import { createHistory } from './history.ts';
import { createMaintenanceRepository } from './maintenance.repository.ts';
import type { TestRunsPort } from './ports.ts';
import { createResultRetention, type ResultRetention } from './retention.ts';
import { createScheduleRepository } from './schedule.repository.ts';
import { createScheduleRunsRepository } from './schedule-runs.repository.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';
import { registerSchedulesRoutes } from './schedules.routes.ts';
import { createSchedulesService, type SchedulesService } from './schedules.service.ts';

export type { TestRunsPort } from './ports.ts';
export type { Scheduler } from './scheduler.ts';
export type { SchedulesService } from './schedules.service.ts';
export type { BaselineEnricher } from './baseline.ts';
export { MIN_BASELINE_RUNS } from './baseline.ts';

/**
 * The baselines as the run-test handler's result enricher. Built before the queue (the handler needs it)
 * from the database alone; the module itself comes later, once the tests' port exists.
 */
export function createBaselines(db: Kysely<DB>, config: Config): BaselineEnricher {
  return createBaselineEnricher({
    baselines: createBaselineRepository(db),
    window: config.schedules.baselineWindow,
  });
}

export interface SchedulesModuleDeps {
  config: Config;
  db: Kysely<DB>;
  /** The tests' lifecycle (the test-runs module's `scheduled` port). */
  tests: TestRunsPort;
  /** Run the scheduler (and the nightly retention) in this process. */
  worker: boolean;
  /** This process's identity (on the ticks it claims). */
  instanceId: string;
  /** The clock of ticks, summaries and retention (tests move it). */
  now?: () => Date;
  /** A disabled account's schedules pause (AccessRevoked, reason 'disabled'). */
  events?: EventBus;
}

export interface SchedulesModule {
  service: SchedulesService;
  scheduler: Scheduler;
  retention: ResultRetention;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Schedules (tests and benchmarks reach the scheduler through it). */
    schedules: SchedulesModule;
  }
}

/**
 * Recurring tests: /api/schedules (CRUD, pause/resume/run-now, runs, history, summary) and, in processes
 * with a worker, the scheduler that submits each tick's run once across every process, with the
 * nightly retention of old scheduled results' details. docs/SCHEDULES.md.
 */
export function schedulesModule(app: FastifyInstance, deps: SchedulesModuleDeps): SchedulesModule {
  const now = deps.now ?? (() => new Date());
  const runs = createScheduleRunsRepository(deps.db);
  const schedules = createScheduleRepository(deps.db);
  // Once, in the process that disabled the account; resuming is the user's (or an admin's) decision.
  deps.events?.subscribe(
    'AccessRevoked',
    async (e) => void (e.reason === 'disabled' && (await schedules.pauseAllOf(e.userId))),
    { localOnly: true },
  );
  const baselines = createBaselineRepository(deps.db);
  const service = createSchedulesService({
    db: deps.db,
    schedules,
    runs,
    baselines,
    tests: deps.tests,
    minIntervalMs: deps.config.schedules.minIntervalMs,
    maxPerUser: deps.config.schedules.maxPerUser,
    now,
  });
  const retention = createResultRetention({
    maintenance: createMaintenanceRepository(deps.db),
    runs,
    tests: deps.tests,
    log: app.log,
    retentionMs: deps.config.schedules.resultRetentionMs,
    now,
  });
  const scheduler = createScheduler({
    runs,
    tests: deps.tests,
    log: app.log,
    now,
    instanceId: deps.instanceId,
    maintenance: async () => void (await retention.maybeRun()),
  });
  registerSchedulesRoutes(app, service, createHistory({ service, runs, tests: deps.tests, baselines, now }));
  const module = { service, scheduler, retention };
  app.decorate('schedules', module);
  if (deps.worker) app.addHook('onReady', async () => scheduler.start());
  app.addHook('preClose', async () => scheduler.stop());
  return module;
}
