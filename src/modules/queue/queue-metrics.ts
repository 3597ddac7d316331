import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventBus } from '../../shared/events/index.ts';
import { withTimeout } from '../../shared/redis/with-timeout.ts';
import type { TestQueueDriver } from './queue-driver.ts';

/** How long a scrape waits for the queue's counts (a hung Redis must not hang /metrics). */
const COUNTS_TIMEOUT_MS = 1000;
/** Tests whose queue time is remembered until they start (bounded: the oldest are forgotten first). */
const MAX_TRACKED = 10_000;

const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];
const RUN_BUCKETS = [0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export interface QueueMetrics {
  readonly registry: Registry;
  /** Tests this process finished since it started: completed, and failed for good. */
  finished(): { completed: number; failed: number };
  close(): void;
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_TRACKED) map.delete(map.keys().next().value!);
}

/**
 * The queue's Prometheus series. Waiting, active and delayed are the driver's counts, read at scrape time
 * (the same cluster-wide figure from every process: aggregate with max, not sum). Completed, failed and
 * retried tests and the run time are counted by the process that ran them, from its own lifecycle events;
 * the wait (queued → started) is the time between the TestQueued event this process heard and its own
 * TestStarted, so tests queued before the process started, and retries (whose wait is the backoff), are
 * not observed. Labels are test types only, never ids.
 */
export function createQueueMetrics(deps: { events: EventBus; driver: TestQueueDriver }): QueueMetrics {
  const registry = new Registry();
  const { driver } = deps;
  new Gauge({
    name: 'testweb_queue_jobs',
    help: 'Tests in the queue by state (waiting, active, delayed); the same figure in every process',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const c = await withTimeout(driver.counts(), COUNTS_TIMEOUT_MS, 'the queue');
        for (const state of ['waiting', 'active', 'delayed'] as const) this.set({ state }, c[state]);
      } catch {
        this.reset();
      }
    },
  });
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['type'] as const, registers: [registry] });
  const completed = counter('testweb_queue_tests_completed_total', 'Tests this process completed, by type');
  const failed = counter('testweb_queue_tests_failed_total', 'Tests this process failed for good, by type');
  const retried = counter(
    'testweb_queue_tests_retried_total',
    'Attempts that failed and will be retried, by type',
  );
  const wait = new Histogram({
    name: 'testweb_queue_wait_seconds',
    help: 'Time from queued to started (first attempts this process saw queued), by type',
    labelNames: ['type'] as const,
    buckets: WAIT_BUCKETS,
    registers: [registry],
  });
  const run = new Histogram({
    name: 'testweb_queue_run_seconds',
    help: 'Time from started to completed or failed, per attempt, by type',
    labelNames: ['type'] as const,
    buckets: RUN_BUCKETS,
    registers: [registry],
  });

  const queuedAt = new Map<string, number>();
  const startedAt = new Map<string, number>();
  let totalCompleted = 0;
  let totalFailed = 0;
  const ended = (testId: string, type: string) => {
    const at = startedAt.get(testId);
    startedAt.delete(testId);
    if (at !== undefined) run.observe({ type }, (Date.now() - at) / 1000);
  };
  const local = { localOnly: true };
  const unsubscribers = [
    // The local TestStarted handler is subscribed before the cluster-wide one, which forgets the test.
    deps.events.subscribe(
      'TestStarted',
      (e) => {
        const queued = queuedAt.get(e.testId);
        if (queued !== undefined) wait.observe({ type: e.type }, (Date.now() - queued) / 1000);
        remember(startedAt, e.testId, Date.now());
      },
      local,
    ),
    deps.events.subscribe('TestStarted', (e) => void queuedAt.delete(e.testId)),
    deps.events.subscribe('TestQueued', (e) => remember(queuedAt, e.testId, Date.now())),
    deps.events.subscribe('TestCancelled', (e) => {
      queuedAt.delete(e.testId);
      startedAt.delete(e.testId);
    }),
    deps.events.subscribe(
      'TestCompleted',
      (e) => {
        totalCompleted++;
        completed.inc({ type: e.type });
        ended(e.testId, e.type);
      },
      local,
    ),
    deps.events.subscribe(
      'TestFailed',
      (e) => {
        if (e.willRetry) retried.inc({ type: e.type });
        else {
          totalFailed++;
          failed.inc({ type: e.type });
        }
        ended(e.testId, e.type);
      },
      local,
    ),
  ];
  return {
    registry,
    finished: () => ({ completed: totalCompleted, failed: totalFailed }),
    close: () => unsubscribers.forEach((u) => u()),
  };
}
