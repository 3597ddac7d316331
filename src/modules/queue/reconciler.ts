import type { TestQueueDriver } from './queue-driver.ts';
import type { QueueStore } from './queue-ports.ts';

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface Reconciler {
  /** One pass; returns the test ids it enqueued again. `graceMs` skips rows touched that recently. */
  run(graceMs?: number): Promise<string[]>;
  stop(): void;
}

const BATCH = 1000;
/** A row younger than this may be between its INSERT and its enqueue: leave it alone. */
const DEFAULT_GRACE_MS = 10_000;

/**
 * The database is the system of record, the queue only transport: every test the database holds as
 * queued or running that the queue does not hold (Redis restarted empty, an enqueue that failed) is
 * enqueued again. Re-running a test that was running is safe: results are fenced by the attempt.
 */
export function startReconciler(deps: {
  driver: TestQueueDriver;
  store: Pick<QueueStore, 'unfinished'>;
  log: Logger;
  intervalMs: number;
}): Reconciler {
  let running: Promise<string[]> | undefined;

  async function pass(graceMs: number): Promise<string[]> {
    const rows = await deps.store.unfinished(graceMs, BATCH);
    if (rows.length === 0) return [];
    const held = await deps.driver.holds(rows.map((r) => r.testId));
    const missing = rows.filter((r) => !held.has(r.testId));
    for (const r of missing)
      await deps.driver.enqueue({ testId: r.testId, priority: r.priority }, { replaceFinished: true });
    if (missing.length)
      deps.log.info(
        { count: missing.length, testIds: missing.slice(0, 20).map((r) => r.testId) },
        'reconciler enqueued tests the queue had lost',
      );
    return missing.map((r) => r.testId);
  }

  const run = (graceMs = DEFAULT_GRACE_MS) => {
    running ??= pass(graceMs).finally(() => (running = undefined));
    return running;
  };
  const tick = () => void run().catch((err: unknown) => deps.log.warn({ err }, 'reconciler pass failed'));
  const timer = setInterval(tick, deps.intervalMs);
  timer.unref();
  const first = setTimeout(tick, 1000);
  first.unref();
  return {
    run,
    stop() {
      clearInterval(timer);
      clearTimeout(first);
    },
  };
}
