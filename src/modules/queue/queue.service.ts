import { queueCall, queueUnavailable } from '../../shared/redis/with-timeout.ts';
import type { TestQueueDriver } from './queue-driver.ts';
import type { QueueStore } from './queue-ports.ts';
import type { QueueStatus } from './queue.schemas.ts';

const WINDOW_MS = 60_000;

/** The queue's state: the store's view (the record) beside the driver's (the transport). */
export function createQueueService(deps: { driver: TestQueueDriver; store: Pick<QueueStore, 'stats'> }) {
  const { driver, store } = deps;
  return {
    async status(): Promise<QueueStatus> {
      const [stats, queue, workersOnline] = await Promise.all([
        store.stats(WINDOW_MS),
        queueCall(driver.counts()).catch(queueUnavailable),
        queueCall(driver.workersOnline()).catch(queueUnavailable),
      ]);
      return {
        driver: driver.kind,
        tests: stats.byStatus,
        queue,
        workersOnline,
        lastMinute: {
          completed: stats.completedLastMinute,
          failed: stats.failedLastMinute,
          throughputPerMinute: stats.completedLastMinute + stats.failedLastMinute,
          meanWaitMs: stats.meanWaitMs,
          meanRunMs: stats.meanRunMs,
        },
      };
    },
  };
}

export type QueueService = ReturnType<typeof createQueueService>;
