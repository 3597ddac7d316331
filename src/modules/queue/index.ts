import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import type { RedisFactory } from '../../shared/redis/index.ts';
import type { EngineRunnerPort } from '../tests/engine-ports.ts';
import { createRunTestHandler } from '../tests/run-test.handler.ts';
import { createTestRunRepository } from '../tests/test-run.repository.ts';
import { createTestRepository } from '../tests/test.repository.ts';
import { createBullmqDriver } from './bullmq.driver.ts';
import { createEmbeddedDriver } from './embedded.driver.ts';
import type { TestQueueDriver } from './queue-driver.ts';
import { createQueueRepository } from './queue.repository.ts';
import { registerQueueRoutes } from './queue.routes.ts';
import { createQueueService, type QueueService } from './queue.service.ts';
import { startReconciler, type Reconciler } from './reconciler.ts';
import { startTestWorker, type TestWorker } from './test-worker.ts';

export type { TestQueueDriver } from './queue-driver.ts';

export interface QueueModuleDeps {
  config: Config;
  db: Kysely<DB>;
  events: EventBus;
  /** null: the embedded driver. */
  redis: RedisFactory | null;
  runner: EngineRunnerPort;
  /** Run a worker (and the reconciler) in this process. */
  worker: boolean;
}

/** The queue as the app sees it; tests reach the worker and the reconciler through it. */
export interface TestQueue {
  driver: TestQueueDriver;
  service: QueueService;
  worker: TestWorker | null;
  reconciler: Reconciler | null;
  /** Starts this process's worker and reconciler (idempotent); done on ready unless `worker: false`. */
  startWorker(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    testQueue: TestQueue;
  }
}

function createDriver(deps: QueueModuleDeps, app: FastifyInstance, workerId: string): TestQueueDriver {
  const q = deps.config.queue;
  const queueRepo = createQueueRepository(deps.db);
  if (!deps.redis) {
    const runs = createTestRunRepository(deps.db);
    const claim = (limit: number) => runs.claimNext(limit, workerId, q.stalledIntervalMs);
    return createEmbeddedDriver({ repo: queueRepo, claim, log: app.log, stalledIntervalMs: q.stalledIntervalMs });
  }
  return createBullmqDriver({ redis: deps.redis, log: app.log, prefix: q.prefix, attempts: q.attempts, backoffMs: q.backoffMs, keepCompleted: q.keepCompleted, keepFailed: q.keepFailed, stalledIntervalMs: q.stalledIntervalMs });
}

function startWorking(app: FastifyInstance, deps: QueueModuleDeps, driver: TestQueueDriver, workerId: string): { worker: TestWorker; reconciler: Reconciler } {
  const q = deps.config.queue;
  const run = createRunTestHandler({
    runs: createTestRunRepository(deps.db),
    events: deps.events,
    runner: deps.runner,
    log: app.log,
    workerId,
    attempts: q.attempts,
    backoffMs: q.backoffMs,
    leaseMs: q.stalledIntervalMs,
    jobTimeoutMs: q.jobTimeoutMs,
  });
  const worker = startTestWorker({ driver, run, events: deps.events, concurrency: deps.config.workerConcurrency, log: app.log });
  const reconciler = startReconciler({ driver, repo: createQueueRepository(deps.db), log: app.log, intervalMs: q.reconcileIntervalMs });
  return { worker, reconciler };
}

/**
 * TestQueueService: the driver chosen from the configuration (BullMQ when REDIS_URL is set, embedded
 * otherwise), the /api/queue routes, and — unless `worker` is false — a worker and the reconciler, which
 * start once the app is ready and stop first on close (running tests finish or go back to the queue).
 */
export function queueModule(app: FastifyInstance, deps: QueueModuleDeps): TestQueue {
  const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const driver = createDriver(deps, app, workerId);
  const service = createQueueService({
    driver,
    queueRepo: createQueueRepository(deps.db),
    tests: createTestRepository(deps.db),
    events: deps.events,
    log: app.log,
    maxActivePerUser: deps.config.queue.maxActivePerUser,
  });
  const handle: TestQueue = {
    driver,
    service,
    worker: null,
    reconciler: null,
    startWorker() {
      if (!handle.worker) Object.assign(handle, startWorking(app, deps, driver, workerId));
    },
  };
  app.decorate('testQueue', handle);
  registerQueueRoutes(app, service);
  if (deps.worker) app.addHook('onReady', async () => handle.startWorker());
  app.addHook('preClose', async () => {
    handle.reconciler?.stop();
    // Leave room within SHUTDOWN_TIMEOUT for closing connections after the hand-back.
    await handle.worker?.stop(Math.floor(deps.config.shutdownTimeoutMs * 0.6));
  });
  app.addHook('onClose', async () => driver.close());
  return handle;
}
