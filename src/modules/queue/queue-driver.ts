import type { ClaimedJob, JobContext, JobOutcome, QueueCounts } from './queue-ports.ts';

/**
 * The job catalog: the queue carries one kind of job, RunTest, keyed by the test id (job id = test id).
 * Payloads carry ids only; the database row is the system of record.
 */
export interface TestJob {
  testId: string;
  /** Ours: 0–10, higher runs sooner. */
  priority: number;
}

export type RemoveResult = 'removed' | 'absent' | 'active';

/** Runs one job to an outcome; the driver says what it guarantees about it in the context. */
export type JobRunner<C extends ClaimedJob = ClaimedJob> = (
  testId: string,
  ctx: JobContext<C>,
) => Promise<JobOutcome>;

export interface Consumer {
  /** Stops fetching new jobs; running ones continue. */
  pause(): Promise<void>;
  /** Releases the consumer's resources once its jobs have settled. */
  close(): Promise<void>;
}

/**
 * TestQueueService's driver contract: one contract, two drivers (BullMQ on Redis, embedded over the
 * database). Both honour priorities, retries with exponential backoff, cancel and crash recovery.
 */
export interface TestQueueDriver<C extends ClaimedJob = ClaimedJob> {
  /** Which driver this is, for status reports; behaviour differences live in the drivers, not in callers. */
  readonly kind: 'bullmq' | 'embedded';
  /** `replaceFinished` replaces a completed/failed job of the same id (a manual retry, the reconciler). */
  enqueue(job: TestJob, opts?: { replaceFinished?: boolean }): Promise<void>;
  /** Removes a waiting or delayed job; 'active' when a worker holds it right now. */
  remove(testId: string): Promise<RemoveResult>;
  /** Which of these tests the queue holds (waiting, delayed or active). */
  holds(testIds: string[]): Promise<Set<string>>;
  counts(): Promise<QueueCounts>;
  workersOnline(): Promise<number>;
  consume(run: JobRunner<C>, concurrency: number): Consumer;
  close(): Promise<void>;
}
