import type { Consumer, JobRunner, RemoveResult, TestQueueDriver } from './queue-driver.ts';
import type { ClaimedJob, QueueCounts, QueueStore } from './queue-ports.ts';

interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface EmbeddedDriverOptions<C extends ClaimedJob> {
  store: QueueStore<C>;
  /** This process's identity on the runs it claims. */
  workerId: string;
  log: Logger;
  /** How often stalled tests (expired leases) are recovered; also the idle poll ceiling for delayed retries. */
  stalledIntervalMs: number;
  /** Idle poll for tests another process queued or whose backoff ran out. */
  pollMs?: number;
}

/** Timers and the database clock may disagree by a millisecond or two: wake just after a retry is due. */
const RETRY_WAKE_MARGIN_MS = 10;

/**
 * The embedded driver: the queue *is* the test_queue table. Dispatch claims due queued rows by priority;
 * retries wait in `available_at`; a test whose worker died (expired lease) is queued again by the stalled
 * check, so a restart resumes queued tests and re-runs the ones that were running.
 */
export function createEmbeddedDriver<C extends ClaimedJob>(
  opts: EmbeddedDriverOptions<C>,
): TestQueueDriver<C> {
  const { store, log } = opts;
  const pollMs = opts.pollMs ?? 1000;
  const wakers = new Set<() => void>();
  const activeIds = new Set<string>();

  function consume(run: JobRunner<C>, concurrency: number): Consumer {
    let paused = false;
    let pumping = false;
    let again = false;
    let timer: NodeJS.Timeout | undefined;
    const retryTimers = new Set<NodeJS.Timeout>();
    const settled = new Set<Promise<unknown>>();

    const schedule = (ms: number) => {
      if (paused) return;
      clearTimeout(timer);
      timer = setTimeout(() => void pump(), ms);
    };
    // A retry wakes dispatch when its backoff ends, on a timer of its own: the idle poll that every pump
    // re-arms must not push it back to the next poll.
    const wakeForRetry = (delayMs: number) => {
      if (paused) return;
      const t = setTimeout(() => {
        retryTimers.delete(t);
        void pump();
      }, delayMs + RETRY_WAKE_MARGIN_MS);
      retryTimers.add(t);
    };
    const launch = (claimed: C) => {
      const { testId } = claimed;
      activeIds.add(testId);
      // The claim is this process's alone (one UPDATE … SKIP LOCKED), but the store is the record, not us.
      const p: Promise<void> = run(testId, { exclusive: false, claimed })
        .then((outcome) => {
          if (outcome.kind === 'retry') wakeForRetry(outcome.delayMs);
        })
        .catch((err: unknown) => log.warn({ err, testId }, 'test job crashed'))
        .finally(() => {
          activeIds.delete(testId);
          settled.delete(p);
          void pump();
        });
      settled.add(p);
    };
    async function pump(): Promise<void> {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      try {
        do {
          again = false;
          while (!paused && activeIds.size < concurrency) {
            const claimed = await store.claim(
              concurrency - activeIds.size,
              opts.workerId,
              opts.stalledIntervalMs,
            );
            for (const job of claimed) launch(job);
            if (claimed.length === 0) break;
          }
        } while (again && !paused);
      } catch (err) {
        log.warn({ err }, 'embedded queue dispatch failed; retrying');
      } finally {
        pumping = false;
      }
      schedule(pollMs);
    }
    const recover = async () => {
      const ids = await store
        .recoverStalled()
        .catch((err: unknown) => (log.warn({ err }, 'stalled check failed'), [] as string[]));
      if (ids.length) log.info({ testIds: ids }, 'tests of a lost worker queued again');
      void pump();
    };
    const stalledTimer = setInterval(() => void recover(), opts.stalledIntervalMs);
    const wake = () => void pump();
    wakers.add(wake);
    void recover();

    return {
      async pause() {
        paused = true;
        clearTimeout(timer);
        for (const t of retryTimers) clearTimeout(t);
        retryTimers.clear();
        clearInterval(stalledTimer);
        wakers.delete(wake);
      },
      async close() {
        await this.pause();
        await Promise.allSettled([...settled]);
      },
    };
  }

  return {
    kind: 'embedded',
    async enqueue() {
      // The row is already queued in the database; wake the local consumers.
      for (const wake of wakers) wake();
    },
    async remove(testId): Promise<RemoveResult> {
      return activeIds.has(testId) ? 'active' : 'removed';
    },
    // The database is the queue: whatever it holds as queued or running, the queue holds.
    holds: async (testIds) => new Set(testIds),
    counts: (): Promise<QueueCounts> => store.counts(),
    workersOnline: async () => wakers.size,
    consume,
    async close() {
      wakers.clear();
    },
  };
}
