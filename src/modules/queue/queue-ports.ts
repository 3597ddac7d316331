/**
 * What the queue needs from the rest of the product, declared here and supplied by app.ts (the test-runs
 * module implements both). The queue never imports the module that runs its jobs: it knows a job only by
 * its test id, the store only through these calls.
 */

/** What became of one run of a job; the driver maps it onto its own bookkeeping. */
export type JobOutcome =
  | { kind: 'completed' }
  | { kind: 'failed'; error: string }
  | { kind: 'retry'; error: string; delayMs: number }
  | { kind: 'cancelled' }
  | { kind: 'handed-back' }
  | { kind: 'skipped' };

/** A job a driver claimed from the store in a batch: its run has already started there. */
export interface ClaimedJob {
  testId: string;
}

/** Why a worker aborts a running job's signal: `signal.reason` is one of these strings. */
export type StopReason = 'cancel' | 'shutdown';

export interface JobContext<C extends ClaimedJob = ClaimedJob> {
  /**
   * The driver guarantees this process is the job's only holder, even when the store still shows the
   * test running (BullMQ hands a stalled job out again only after its lock expired), so the run may take it over.
   */
  exclusive: boolean;
  /** Set when the driver claimed the job from the store itself (the embedded driver claims in batches). */
  claimed?: C;
}

/** Runs one job; `signal` aborts with a StopReason when the user cancels or the worker shuts down. */
export type JobHandler<C extends ClaimedJob = ClaimedJob> = (
  testId: string,
  signal: AbortSignal,
  ctx: JobContext<C>,
) => Promise<JobOutcome>;

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
}

export interface QueueStats {
  byStatus: Record<'queued' | 'running' | 'completed' | 'failed' | 'cancelled', number>;
  completedLastMinute: number;
  failedLastMinute: number;
  meanWaitMs: number | null;
  meanRunMs: number | null;
}

/** The system of record behind the queue: the database's view of which tests wait, run and finished. */
export interface QueueStore<C extends ClaimedJob = ClaimedJob> {
  /** Starts up to `limit` due queued tests as runs of `workerId`, in dispatch order (embedded driver). */
  claim(limit: number, workerId: string, leaseMs: number): Promise<C[]>;
  /** Running tests whose lease expired (their worker died) go back to the queue; returns their ids. */
  recoverStalled(): Promise<string[]>;
  /** Tests the store holds as queued or running, untouched for `graceMs` (the reconciler's input). */
  unfinished(graceMs: number, limit: number): Promise<Array<{ testId: string; priority: number }>>;
  /** Waiting, active and delayed as the store sees them (the embedded driver's counts). */
  counts(): Promise<QueueCounts>;
  /** Tests per state and the last window's throughput and timings (GET /api/queue/status). */
  stats(windowMs: number): Promise<QueueStats>;
}
