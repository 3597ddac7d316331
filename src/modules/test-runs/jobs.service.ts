import type { EventBus } from '../../shared/events/index.ts';
import { ConflictError, NotFoundError, TooManyRequestsError } from '../../shared/http/index.ts';
import { queueCall, queueUnavailable } from '../../shared/redis/with-timeout.ts';
import type { TestQueuePort } from './ports.ts';
import type { TestRepository, TestRow, Viewer } from './test.repository.ts';
import type { JobView, ListJobsQuery } from './tests.schemas.ts';
import { toTestView } from './tests.service.ts';

interface Logger {
  warn(obj: object, msg: string): void;
}

export interface JobsServiceDeps {
  tests: TestRepository;
  queue: TestQueuePort;
  events: EventBus;
  log: Logger;
  maxActivePerUser: number;
}

const toJobView = (r: TestRow): JobView => ({ ...toTestView(r), jobId: r.test_id, userId: r.user_id });

/** Cancel and retry: state transitions of a test, seen as a queue job. Another user's job is a 404. */
export function createJobsService(deps: JobsServiceDeps) {
  const { queue, tests, events, log } = deps;

  async function owned(viewer: Viewer, testId: string): Promise<TestRow> {
    const row = await tests.getById(viewer, testId);
    if (!row) throw new NotFoundError(`No job ${testId}`);
    return row;
  }

  return {
    /**
     * A queued test leaves the queue; a running one has its engine aborted wherever it runs (the
     * TestCancelled event reaches every worker process). The database flips first, so the running attempt
     * can no longer store a result even if its engine ignores the abort.
     */
    async cancel(viewer: Viewer, testId: string): Promise<JobView> {
      const row = await owned(viewer, testId);
      const cancelled = await tests.cancel(viewer, testId);
      if (!cancelled)
        throw new ConflictError(
          `Job ${testId} is already ${row.status}; only queued or running jobs can be cancelled`,
          'ERR_JOB_FINISHED',
        );
      await queueCall(queue.remove(testId)).catch((err: unknown) =>
        log.warn({ err, testId }, 'could not remove the cancelled job from the queue'),
      );
      await events.publish('TestCancelled', {
        testId,
        userId: row.user_id,
        type: row.test_type,
        url: row.url,
      });
      return toJobView(cancelled);
    },

    /** Runs a failed or cancelled test again (retry_count + 1, attempts from zero). */
    async retry(viewer: Viewer, testId: string): Promise<JobView> {
      const row = await owned(viewer, testId);
      if (row.status !== 'failed' && row.status !== 'cancelled') {
        throw new ConflictError(
          `Job ${testId} is ${row.status}; only failed or cancelled jobs can be retried`,
          'ERR_JOB_NOT_RETRYABLE',
        );
      }
      if ((await queueCall(queue.remove(testId)).catch(queueUnavailable)) === 'active') {
        throw new ConflictError(`Job ${testId} is still stopping; retry it in a moment`, 'ERR_JOB_STOPPING');
      }
      const queued = await tests.resetForRetry(viewer, testId, deps.maxActivePerUser);
      if (!queued) {
        const now = await tests.getById(viewer, testId);
        if (now?.status === row.status)
          throw new TooManyRequestsError(
            `The owner already has ${deps.maxActivePerUser} queued or running tests`,
            5,
          );
        throw new ConflictError(`Job ${testId} changed state; reload it`, 'ERR_JOB_CHANGED');
      }
      await queueCall(queue.enqueue({ testId, priority: queued.priority }, { replaceFinished: true })).catch(
        (err: unknown) => log.warn({ err, testId }, 'enqueue failed; the reconciler will retry'),
      );
      await events.publish('TestQueued', {
        testId,
        userId: queued.user_id,
        type: queued.test_type,
        url: queued.url,
        priority: queued.priority,
      });
      return toJobView(queued);
    },

    async list(viewer: Viewer, q: ListJobsQuery): Promise<{ items: JobView[]; nextCursor: string | null }> {
      const page = await tests.list(viewer, { status: q.status, limit: q.limit ?? 20, cursor: q.cursor });
      return { items: page.items.map(toJobView), nextCursor: page.nextCursor };
    },
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
