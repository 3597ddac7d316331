import type { EventBus } from '../../shared/events/index.ts';
import type { Consumer, TestQueueDriver } from './queue-driver.ts';
import type { ClaimedJob, JobHandler, StopReason } from './queue-ports.ts';

interface Logger {
  info(obj: object, msg: string): void;
}

export interface TestWorker {
  /** Test ids running in this process right now. */
  running(): string[];
  /**
   * Graceful stop: take no new tests, give running ones `graceMs` to finish, then stop their engines and
   * hand them back to the queue (they run again elsewhere, or here after a restart).
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * A worker: consumes the queue with `concurrency` slots, owns an AbortController per running test, and
 * aborts a test when a TestCancelled event arrives — from any process, since in services mode the
 * event bus is Redis pub/sub (that is how a cancel reaches the worker running the test).
 */
export function startTestWorker<C extends ClaimedJob>(deps: {
  driver: TestQueueDriver<C>;
  run: JobHandler<C>;
  events: EventBus;
  concurrency: number;
  log: Logger;
}): TestWorker {
  const stop = (c: AbortController, reason: StopReason) => c.abort(reason);
  const controllers = new Map<string, AbortController>();
  const unsubscribe = deps.events.subscribe('TestCancelled', (e) => {
    const c = controllers.get(e.testId);
    if (c) stop(c, 'cancel');
  });
  let draining = false;
  const consumer: Consumer = deps.driver.consume(async (testId, ctx) => {
    const controller = new AbortController();
    // A job that reaches a stopping worker anyway (a fetch or claim already in flight when it paused) goes
    // straight back: the hand-back below has already run, and nothing would ever stop this one.
    if (draining) stop(controller, 'shutdown');
    controllers.set(testId, controller);
    try {
      return await deps.run(testId, controller.signal, ctx);
    } finally {
      if (controllers.get(testId) === controller) controllers.delete(testId);
    }
  }, deps.concurrency);
  let stopping: Promise<void> | undefined;

  async function drain(graceMs: number): Promise<void> {
    draining = true;
    await consumer.pause();
    const deadline = Date.now() + graceMs;
    while (controllers.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (controllers.size > 0) {
      deps.log.info({ testIds: [...controllers.keys()] }, 'handing running tests back to the queue');
      for (const c of controllers.values()) stop(c, 'shutdown');
    }
    await consumer.close();
    unsubscribe();
  }

  return {
    running: () => [...controllers.keys()],
    stop: (graceMs) => (stopping ??= drain(graceMs)),
  };
}
