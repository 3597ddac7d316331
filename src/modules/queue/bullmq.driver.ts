import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RedisFactory } from '../../shared/redis/index.ts';
import type { Consumer, JobRunner, RemoveResult, TestQueueDriver } from './queue-driver.ts';
import type { ClaimedJob, QueueCounts } from './queue-ports.ts';

interface Logger {
  warn(obj: object, msg: string): void;
}

export interface BullmqDriverOptions {
  redis: RedisFactory;
  log: Logger;
  prefix: string;
  attempts: number;
  backoffMs: number;
  keepCompleted: number;
  keepFailed: number;
  /** Lock duration and stalled check: a worker silent this long is presumed dead and its job handed out again. */
  stalledIntervalMs: number;
}

export const QUEUE_NAME = 'tests';
const HELD = new Set(['waiting', 'prioritized', 'delayed', 'active', 'waiting-children']);

/** BullMQ's 1 is the highest priority (0 would mean "none", which jumps every prioritized job). */
export const bullPriority = (ours: number) => 11 - Math.max(0, Math.min(10, ours));

/**
 * The BullMQ driver: job id = test id, priorities mapped from ours, BullMQ's own attempts and
 * exponential backoff, bounded retention, and its stalled-job recovery for workers that die mid-test.
 */
/** Generic over the claim type only to fit the contract: BullMQ never hands a claimed run to the handler. */
export function createBullmqDriver<C extends ClaimedJob = ClaimedJob>(
  opts: BullmqDriverOptions,
): TestQueueDriver<C> {
  const connections: Redis[] = [];
  const connect = (purpose: string) => {
    const c = opts.redis.bullmq(purpose);
    // The factory logs the connection's state; BullMQ reports its own errors on the queue and worker.
    connections.push(c);
    return c;
  };
  const queue = new Queue(QUEUE_NAME, { connection: connect('queue'), prefix: opts.prefix });
  queue.on('error', (err) => opts.log.warn({ err: { message: err.message } }, 'queue connection error'));
  const workers = new Set<Worker>();

  async function remove(testId: string): Promise<RemoveResult> {
    const job = await queue.getJob(testId);
    if (!job) return 'absent';
    if (await job.isActive()) return 'active';
    try {
      await job.remove();
      return 'removed';
    } catch {
      return (await job.isActive()) ? 'active' : 'absent';
    }
  }

  async function process(run: JobRunner<C>, job: Job, token?: string): Promise<string> {
    // BullMQ's lock makes this worker the job's only holder until it stalls.
    const outcome = await run(job.id!, { exclusive: true });
    switch (outcome.kind) {
      case 'retry':
        throw new Error(outcome.error);
      case 'failed':
        throw new UnrecoverableError(outcome.error);
      case 'handed-back':
        // Back to the queue without spending an attempt; another worker (or this one, restarted) takes it.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      default:
        return outcome.kind;
    }
  }

  function consume(run: JobRunner<C>, concurrency: number): Consumer {
    const connection = connect('worker');
    const worker = new Worker(QUEUE_NAME, (job, token) => process(run, job, token), {
      connection,
      prefix: opts.prefix,
      concurrency,
      lockDuration: opts.stalledIntervalMs,
      stalledInterval: opts.stalledIntervalMs,
      maxStalledCount: opts.attempts,
    });
    worker.on('error', (err) => opts.log.warn({ err: { message: err.message } }, 'queue worker error'));
    workers.add(worker);
    return {
      pause: () => worker.pause(true),
      async close() {
        // With Redis down, BullMQ's graceful close never finishes: it waits for its blocking connection to be
        // ready (forever if it had not connected yet) and for a main loop that keeps reconnecting. Nothing can
        // be handed back without Redis anyway (the reconciler re-enqueues from the database): force it then.
        await worker.close(connection.status !== 'ready');
        workers.delete(worker);
      },
    };
  }

  return {
    kind: 'bullmq',
    async enqueue({ testId, priority }, o) {
      if (o?.replaceFinished) {
        const state = await queue.getJobState(testId);
        if (state === 'completed' || state === 'failed') await remove(testId);
      }
      await queue.add(
        'RunTest',
        { testId },
        {
          jobId: testId,
          priority: bullPriority(priority),
          attempts: opts.attempts,
          backoff: { type: 'exponential', delay: opts.backoffMs },
          removeOnComplete: opts.keepCompleted > 0 ? { count: opts.keepCompleted } : true,
          removeOnFail: opts.keepFailed > 0 ? { count: opts.keepFailed } : true,
        },
      );
    },
    remove,
    async holds(testIds) {
      const held = new Set<string>();
      for (let i = 0; i < testIds.length; i += 100) {
        const batch = testIds.slice(i, i + 100);
        const states = await Promise.all(batch.map((id) => queue.getJobState(id)));
        batch.forEach((id, j) => HELD.has(states[j]!) && held.add(id));
      }
      return held;
    },
    async counts(): Promise<QueueCounts> {
      const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
      };
    },
    workersOnline: () => queue.getWorkersCount(),
    consume,
    async close() {
      await Promise.allSettled([...workers].map((w) => w.close()));
      await queue.close();
      await Promise.allSettled(connections.map((c) => c.quit()));
    },
  };
}
