import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import type { RedisFactory } from '../../shared/redis/index.ts';
import { createBullmqDriver } from './bullmq.driver.ts';
import { createEmbeddedDriver } from './embedded.driver.ts';
import type { TestQueueDriver } from './queue-driver.ts';
import type { ClaimedJob, JobHandler, QueueStore } from './queue-ports.ts';
import { createQueueMetrics, type QueueMetrics } from './queue-metrics.ts';
import { registerQueueRoutes } from './queue.routes.ts';
import { createQueueService, type QueueService } from './queue.service.ts';
import { startReconciler, type Reconciler } from './reconciler.ts';
import { startTestWorker, type TestWorker } from './test-worker.ts';

export type { RemoveResult, TestJob, TestQueueDriver } from './queue-driver.ts';
export type {
  ClaimedJob,
  JobContext,
  JobHandler,
  JobOutcome,
  QueueCounts,
  QueueStats,
  QueueStore,
  StopReason,
} from './queue-ports.ts';
export type { TestWorker } from './test-worker.ts';
export type { QueueMetrics } from './queue-metrics.ts';
export type { Reconciler } from './reconciler.ts';

export interface QueueModuleDeps<C extends ClaimedJob> {
  config: Config;
  events: EventBus;
  /** null: the embedded driver. */
  redis: RedisFactory | null;
  /** The system of record the queue dispatches from and reconciles against. */
  store: QueueStore<C>;
  /** Runs one job (the test-runs module's run-test handler). */
  handler: JobHandler<C>;
  /** This process's identity on the jobs it runs. */
  workerId: string;
  /** Run a worker (and the reconciler) in this process. */
  worker: boolean;
}

/** The queue as the app sees it; tests reach the worker and the reconciler through it. */
export interface TestQueue<C extends ClaimedJob = ClaimedJob> {
  driver: TestQueueDriver<C>;
  service: QueueService;
  worker: TestWorker | null;
  reconciler: Reconciler | null;
  /** Prometheus series (`metrics.registry`) and this process's finished-test totals. */
  metrics: QueueMetrics;
  /** Starts this process's worker and reconciler (idempotent); done on ready unless `worker: false`. */
  startWorker(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    testQueue: TestQueue;
  }
}

function createDriver<C extends ClaimedJob>(
  deps: QueueModuleDeps<C>,
  app: FastifyInstance,
): TestQueueDriver<C> {
  const q = deps.config.queue;
  if (!deps.redis)
    return createEmbeddedDriver({
      store: deps.store,
      workerId: deps.workerId,
      log: app.log,
      stalledIntervalMs: q.stalledIntervalMs,
    });
  return createBullmqDriver({
    redis: deps.redis,
    log: app.log,
    prefix: q.prefix,
    attempts: q.attempts,
    backoffMs: q.backoffMs,
    keepCompleted: q.keepCompleted,
    keepFailed: q.keepFailed,
    stalledIntervalMs: q.stalledIntervalMs,
  });
}

/**
 * TestQueueService: the driver chosen from the configuration (BullMQ when REDIS_URL is set, embedded
 * otherwise), GET /api/queue/status, and — unless `worker` is false — a worker and the reconciler, which
 * start once the app is ready and stop first on close (running tests finish or go back to the queue).
 */
export function queueModule<C extends ClaimedJob>(
  app: FastifyInstance,
  deps: QueueModuleDeps<C>,
): TestQueue<C> {
  const driver = createDriver(deps, app);
  const service = createQueueService({ driver, store: deps.store });
  const metrics = createQueueMetrics({ events: deps.events, driver });
  const handle: TestQueue<C> = {
    driver,
    service,
    worker: null,
    reconciler: null,
    metrics,
    startWorker() {
      if (handle.worker) return;
      handle.worker = startTestWorker({
        driver,
        run: deps.handler,
        events: deps.events,
        concurrency: deps.config.workerConcurrency,
        log: app.log,
      });
      handle.reconciler = startReconciler({
        driver,
        store: deps.store,
        log: app.log,
        intervalMs: deps.config.queue.reconcileIntervalMs,
      });
    },
  };
  app.decorate('testQueue', handle as unknown as TestQueue);
  registerQueueRoutes(app, service);
  if (deps.worker) app.addHook('onReady', async () => handle.startWorker());
  app.addHook('preClose', async () => {
    handle.reconciler?.stop();
    // Leave room within SHUTDOWN_TIMEOUT for closing connections after the hand-back.
    await handle.worker?.stop(Math.floor(deps.config.shutdownTimeoutMs * 0.6));
  });
  app.addHook('onClose', async () => {
    metrics.close();
    await driver.close();
  });
  return handle;
}
