import { ConfigError, readDuration as ms, readInt as int } from './parse.ts';

/** Limits and timings of the test queue (both drivers); see docs/QUEUE_SERVICE.md. */
export interface QueueConfig {
  /** BullMQ key prefix; separate prefixes isolate deployments (and test suites) sharing one Redis. */
  prefix: string;
  /** Runs of one test before it counts as failed (the first run included). */
  attempts: number;
  /** Delay before the first retry; each further retry waits twice as long. */
  backoffMs: number;
  /** Queued + running tests one user may have at once; more is answered with 429. */
  maxActivePerUser: number;
  /** How long a running test may go without a heartbeat before another worker takes it over. */
  stalledIntervalMs: number;
  /** How often the reconciler compares the database with the queue. */
  reconcileIntervalMs: number;
  /** Finished jobs BullMQ keeps (the database keeps every test regardless). */
  keepCompleted: number;
  keepFailed: number;
  /** Longest run of one attempt; the engine is aborted after it and the attempt fails. */
  jobTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

function prefix(e: Env, name: string): string {
  const value = e[name]?.trim();
  if (!value || !/^[\w:.-]{1,64}$/.test(value))
    throw new ConfigError(name, 'letters, digits and _ : . - (at most 64)', value);
  return value;
}

/** `e` already carries the defaults from ENV_VARS. */
export function parseQueueConfig(e: Env): QueueConfig {
  return {
    prefix: prefix(e, 'QUEUE_PREFIX'),
    attempts: int(e, 'QUEUE_ATTEMPTS', 1, 20),
    backoffMs: ms(e, 'QUEUE_BACKOFF', 10, 3_600_000),
    maxActivePerUser: int(e, 'QUEUE_MAX_ACTIVE_PER_USER', 1, 1_000_000),
    stalledIntervalMs: ms(e, 'QUEUE_STALLED_INTERVAL', 500, 600_000),
    reconcileIntervalMs: ms(e, 'QUEUE_RECONCILE_INTERVAL', 500, 86_400_000),
    keepCompleted: int(e, 'QUEUE_KEEP_COMPLETED', 0, 1_000_000),
    keepFailed: int(e, 'QUEUE_KEEP_FAILED', 0, 1_000_000),
    jobTimeoutMs: ms(e, 'QUEUE_JOB_TIMEOUT', 1000, 86_400_000),
  };
}
