import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import { createJobsService } from './jobs.service.ts';
import { registerJobsRoutes } from './jobs.routes.ts';
import type {
  EngineRegistryPort,
  EngineRunnerPort,
  ResultCachePort,
  ResultEnricherPort,
  TestQueuePort,
} from './ports.ts';
import { createQueueStore } from './queue-store.repository.ts';
import { createQuotaRepository } from './quota.repository.ts';
import { registerQuotaRoutes } from './quota.routes.ts';
import { createQuotaService, type AccountLookup } from './quota.service.ts';
import { createRunTestHandler, type RunTest } from './run-test.handler.ts';
import { createScheduledTests, type ScheduledTests } from './scheduled-tests.ts';
import { createTestRunRepository } from './test-run.repository.ts';
import { batchRunWrites } from './batched-runs.ts';
import { createTestRepository } from './test.repository.ts';
import { registerTestsRoutes } from './tests.routes.ts';
import { registerEnginesRoutes } from './engines.routes.ts';
import { createLiveSeries } from './live-series.ts';
import { registerLiveRoutes } from './live.routes.ts';
import { createTestsService, type TestsService } from './tests.service.ts';
import { createArtifactLinks } from './artifact-links.ts';
import { createArtifactRepository } from './artifact.repository.ts';
import { createArtifactStore } from './artifact-store.ts';
import { registerArtifactsRoutes } from './artifacts.routes.ts';
import { createArtifactsService } from './artifacts.service.ts';

export type {
  EngineRegistryPort,
  EngineRunnerPort,
  EnrichedTest,
  ResultCachePort,
  ResultEnricherPort,
  ResultEnrichment,
  ResultSource,
  TestQueuePort,
} from './ports.ts';
export type {
  LatestRun,
  ResultCursor,
  ScheduledTests,
  SeriesBucket,
  WindowCounts,
} from './scheduled-tests.ts';
export type { TestDefinition, ValidTestDefinition } from './tests.service.ts';
export type { AccountLookup } from './quota.service.ts';
export type { Attempt } from './test-run.repository.ts';
export type { RunTest } from './run-test.handler.ts';
export type { Viewer } from './test.repository.ts';
export type { TestsService } from './tests.service.ts';
export { createQueueStore };

declare module 'fastify' {
  interface FastifyInstance {
    /** The tests service (benchmarks and in-process callers submit through it). */
    tests: TestsService;
  }
}

/** Who owns a test, from the database (null when there is none): the one owner lookup other modules get as a port. */
export function createTestOwnerLookup(db: Kysely<DB>): (testId: string) => Promise<string | null> {
  const tests = createTestRepository(db);
  return (testId) => tests.ownerOf(testId);
}

export interface JobHandlerDeps {
  config: Config;
  db: Kysely<DB>;
  events: EventBus;
  runner: EngineRunnerPort;
  log: FastifyInstance['log'];
  workerId: string;
  /** Derived metrics for scheduled tests' results (the schedules module's baselines). */
  enricher?: ResultEnricherPort;
}

/** The queue's RunTest handler: claim, run the engine, store the result once, publish the lifecycle. */
export function createJobHandler(deps: JobHandlerDeps): RunTest {
  const q = deps.config.queue;
  const runs = batchRunWrites(createTestRunRepository(deps.db), deps.workerId);
  const artifacts = createArtifactStore({
    db: deps.db,
    runs,
    artifacts: createArtifactRepository(deps.db),
    maxTestBytes: deps.config.artifacts.maxTestBytes,
    maxTotalBytes: deps.config.artifacts.maxTotalBytes,
    log: deps.log,
  });
  return createRunTestHandler({
    runs,
    artifacts,
    events: deps.events,
    runner: deps.runner,
    log: deps.log,
    workerId: deps.workerId,
    attempts: q.attempts,
    backoffMs: q.backoffMs,
    leaseMs: q.stalledIntervalMs,
    jobTimeoutMs: q.jobTimeoutMs,
    enricher: deps.enricher,
  });
}

export interface TestRunsModuleDeps {
  config: Config;
  db: Kysely<DB>;
  events: EventBus;
  registry: EngineRegistryPort;
  queue: TestQueuePort;
  resultCache?: ResultCachePort;
  /** Who has an account (the auth module's user directory): the admin quota routes answer 404 for no one. */
  users: AccountLookup;
  /** The signed artifact links' clock (their expiry); tests move it. */
  now?: () => number;
}

/**
 * The tests API (submit, list, status, result, live queue position and per-second points), the daily test quota (/api/tests/quota and the admin
 * routes) and /api/queue/jobs (list, cancel, retry). `scheduled` is the port the schedules module runs on.
 */
export function testRunsModule(
  app: FastifyInstance,
  deps: TestRunsModuleDeps,
): { service: TestsService; scheduled: ScheduledTests } {
  const tests = createTestRepository(deps.db);
  const quota = createQuotaService({
    db: deps.db,
    quotas: createQuotaRepository(deps.db),
    tests,
    events: deps.events,
    users: deps.users,
    defaultQuota: deps.config.notifications.userDailyTestQuota,
  });
  const service = createTestsService({
    tests,
    quota,
    registry: deps.registry,
    queue: deps.queue,
    resultCache: deps.resultCache,
    events: deps.events,
    log: app.log,
    maxActivePerUser: deps.config.queue.maxActivePerUser,
    allowPrivateTargets: deps.config.allowPrivateTargets,
  });
  app.decorate('tests', service);
  registerQuotaRoutes(app, quota);
  registerTestsRoutes(app, service);
  registerEnginesRoutes(app, deps.registry);
  const links = createArtifactLinks({
    secret: deps.config.jwtSecret,
    ttlMs: deps.config.artifacts.linkTtlMs,
    now: deps.now,
  });
  registerArtifactsRoutes(
    app,
    createArtifactsService({ artifacts: createArtifactRepository(deps.db), links }),
  );
  const live = createLiveSeries(deps.events);
  app.addHook('onClose', async () => live.stop());
  registerLiveRoutes(app, deps.db, live);
  registerJobsRoutes(
    app,
    createJobsService({
      tests,
      queue: deps.queue,
      events: deps.events,
      log: app.log,
      maxActivePerUser: deps.config.queue.maxActivePerUser,
    }),
  );
  return { service, scheduled: createScheduledTests(deps.db, service) };
}
