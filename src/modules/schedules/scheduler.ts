import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/http/index.ts';
import type { TestRunsPort } from './ports.ts';
import type {
  DueSchedule,
  PlannedRun,
  RunOutcome,
  ScheduleRunsRepository,
} from './schedule-runs.repository.ts';
import { missedAfter, timingOf } from './timing.ts';

interface Logger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SchedulerDeps {
  runs: ScheduleRunsRepository;
  tests: TestRunsPort;
  log: Logger;
  now: () => Date;
  /** This process's identity on the ticks it claims. */
  instanceId: string;
  /** How often each process looks for due ticks (their lateness is at most about this). */
  pollMs?: number;
  /** Schedules claimed per transaction; a full batch is followed by the next one at once. */
  batchSize?: number;
  /** Submissions in flight at once. */
  concurrency?: number;
  /** Claimed runs waiting for a lane beyond which the scheduler claims no more until they drain. */
  maxBacklog?: number;
  /** A tick pending longer than this had its submission interrupted: it is finished with the same test id. */
  staleMs?: number;
  /** Periodic work run every few polls (the nightly retention's claim). */
  maintenance?: () => Promise<void>;
}

/** A tick whose run must be submitted: the schedule's owner and definition, and the test id chosen for it. */
export interface Submission {
  scheduleId: string;
  tickAt: Date;
  testId: string;
  userId: string;
  definition: {
    type: string;
    url: string;
    options: Record<string, unknown>;
    priority: number;
    tags: string[];
  };
}

const MAINTENANCE_EVERY = 4;
const RECOVERY_EVERY = 8;
/** The longest wait between polls while they fail. */
const MAX_RETRY_DELAY_MS = 10_000;

/**
 * What a tick does: the next tick is the first grid time after now (missed ticks are not replayed: one
 * catch-up run stands for them), and the run is skipped when the schedule's previous run is still
 * queued or running, or its submission is still in flight (`pending`).
 */
export function plan(due: DueSchedule, now: Date, active: Set<string>, log?: Logger): PlannedRun {
  const tickAt = new Date(due.next_run_at);
  let nextRunAt: Date | null = null;
  let missed = 0;
  try {
    const timing = timingOf(due);
    nextRunAt = timing.next(now);
    missed = missedAfter(timing, due, tickAt, now);
  } catch (err) {
    // Saved timings are validated; one that stopped parsing (a time zone the runtime dropped) stops here.
    log?.error({ err, scheduleId: due.id }, 'schedule timing no longer parses; the schedule stops');
  }
  const last = due.last_test_id;
  const overlap = last !== null && (due.last_outcome === 'pending' || active.has(last));
  return {
    scheduleId: due.id,
    tickAt,
    nextRunAt,
    kind: missed > 0 ? 'catch-up' : 'tick',
    outcome: overlap ? 'skipped_overlap' : 'pending',
    testId: overlap ? null : randomUUID(),
    missed,
  };
}

/** What a refused submission counts as; undefined for an error worth trying again (the tick stays pending). */
export function refusalOf(err: unknown): Omit<RunOutcome, 'scheduleId' | 'tickAt'> | undefined {
  if (!(err instanceof AppError)) return undefined;
  const error = err.message.slice(0, 1000);
  if (err.code === 'ERR_QUOTA_EXCEEDED') return { outcome: 'skipped_quota', error };
  if (err.code === 'ERR_RATE_LIMITED') return { outcome: 'skipped_limit', error };
  if (err.status === 400) return { outcome: 'rejected', error };
  return undefined;
}

/** At most `limit` tasks at once across every caller (the scheduler's submission lanes). */
function createLanes(limit: number) {
  let busy = 0;
  const waiting: Array<() => void> = [];
  return async function lane<T>(work: () => Promise<T>): Promise<T> {
    while (busy >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    busy++;
    try {
      return await work();
    } finally {
      busy--;
      waiting.shift()?.();
    }
  };
}

/**
 * The ticking: every process with a worker polls for due schedules, claims them with FOR UPDATE SKIP
 * LOCKED in a transaction that also records each tick in schedule_runs (its primary key keeps a tick to
 * one run, whichever process and clock), then submits the runs as ordinary tests after the commit.
 */
export function createScheduler(deps: SchedulerDeps) {
  const { runs, tests, log } = deps;
  const pollMs = deps.pollMs ?? 250;
  const batchSize = deps.batchSize ?? 200;
  const lane = createLanes(deps.concurrency ?? 32);
  const maxBacklog = deps.maxBacklog ?? 4 * batchSize;
  const staleMs = deps.staleMs ?? 30_000;
  /** Batches of runs being submitted (the loop claims on while they go), and how many runs they hold. */
  const inflight = new Set<Promise<void>>();
  let backlog = 0;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let stopped = true;
  let polls = 0;
  let failures = 0;
  const stats = { polls: 0, claimed: 0, submitted: 0, skippedOverlap: 0 };

  /** Submits one run; its outcome, or null when it failed in a way worth retrying (recovery finishes it). */
  async function submit(s: Submission): Promise<RunOutcome | null> {
    const at = { scheduleId: s.scheduleId, tickAt: s.tickAt };
    try {
      const valid = await tests.validate(s.definition, { resolveTarget: false });
      await tests.submit(s.userId, valid, { testId: s.testId, scheduleId: s.scheduleId });
      stats.submitted++;
      return { ...at, outcome: 'queued', error: null };
    } catch (err) {
      const refusal = refusalOf(err);
      if (refusal) return { ...at, ...refusal };
      log.warn({ err, scheduleId: s.scheduleId }, 'scheduled run not submitted; it is retried later');
      return null;
    }
  }

  /** Submits a batch of runs through the lanes and records their outcomes; tracked until it is done. */
  function submitAll(list: Submission[]): Promise<void> {
    if (!list.length) return Promise.resolve();
    backlog += list.length;
    const work = Promise.all(list.map((s) => lane(() => submit(s)).finally(() => backlog--)))
      .then((outcomes) => runs.settle(outcomes.filter((o): o is RunOutcome => o !== null)))
      .catch((err: unknown) =>
        log.error({ err }, 'recording scheduled runs failed; their ticks stay pending'),
      );
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
    return work;
  }

  /** Claims one batch of due ticks (one transaction) and starts submitting their runs. */
  async function claim(): Promise<{ claimed: number; submitting: Promise<void> }> {
    const now = deps.now();
    let claimed = 0;
    const submissions = await runs.transaction(async (trx) => {
      const due = await runs.lockDue(trx, now, batchSize);
      claimed = due.length;
      if (!due.length) return [];
      const last = due.flatMap((d) => (d.last_test_id ? [d.last_test_id] : []));
      const active = new Set(await tests.activeAmong(last, trx));
      const plans = due.map((d) => plan(d, now, active, log));
      const inserted = await runs.record(trx, plans, now, deps.instanceId);
      const byId = new Map(due.map((d) => [d.id, d]));
      return plans.flatMap((p): Submission[] => {
        if (!inserted.has(`${p.scheduleId}@${p.tickAt.getTime()}`)) return [];
        if (p.outcome !== 'pending') return (stats.skippedOverlap++, []);
        const d = byId.get(p.scheduleId)!;
        const definition = {
          type: d.test_type,
          url: d.url,
          options: d.options,
          priority: d.priority,
          tags: d.tags,
        };
        return [
          { scheduleId: p.scheduleId, tickAt: p.tickAt, testId: p.testId!, userId: d.user_id, definition },
        ];
      });
    });
    stats.claimed += claimed;
    return { claimed, submitting: submitAll(submissions) };
  }

  /** Claims one batch and waits for its runs to be submitted; returns how many schedules it claimed. */
  async function poll(): Promise<number> {
    const { claimed, submitting } = await claim();
    await submitting;
    return claimed;
  }

  /** Finishes ticks whose submission was interrupted, with the test id chosen at the claim. */
  async function recover(): Promise<void> {
    const stale = await runs.stalePending(new Date(deps.now().getTime() - staleMs), 50);
    await submitAll(
      stale.map((r) => ({
        scheduleId: r.schedule_id,
        tickAt: new Date(r.tick_at),
        testId: r.test_id!,
        userId: r.user_id,
        definition: { type: r.test_type, url: r.url, options: r.options, priority: r.priority, tags: r.tags },
      })),
    );
  }

  /**
   * One turn of the timer: claim (unless the runs already claimed wait for lanes: backpressure), without
   * waiting for the submissions, so that a slow database makes runs late rather than ticks.
   */
  async function loop(): Promise<void> {
    let claimed = 0;
    let delayMs = pollMs;
    try {
      if (backlog < maxBacklog) ({ claimed } = await claim());
      stats.polls = ++polls;
      if (polls % MAINTENANCE_EVERY === 0) await deps.maintenance?.();
      if (polls % RECOVERY_EVERY === 0) await recover();
      failures = 0;
      if (claimed >= batchSize && backlog < maxBacklog) delayMs = 0;
    } catch (err) {
      // The database is down or failing: one line per failure, and polls further apart until it answers.
      failures++;
      delayMs = Math.min(pollMs * 2 ** failures, MAX_RETRY_DELAY_MS);
      log.error({ err, retryInMs: delayMs }, 'scheduler poll failed');
    }
    if (!stopped) arm(delayMs);
  }

  function arm(delayMs: number): void {
    timer = setTimeout(() => {
      timer = null;
      current = loop().finally(() => (current = null));
    }, delayMs);
  }

  return {
    /** One poll now, outside the timer (tests and benchmarks). */
    poll,
    recover,
    start(): void {
      if (!stopped) return;
      stopped = false;
      arm(0);
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await current;
      await Promise.all([...inflight]);
    },
    stats: () => ({ ...stats, backlog }),
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
