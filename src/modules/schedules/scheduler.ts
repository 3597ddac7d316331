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
  definition: { type: string; url: string; options: Record<string, unknown>; priority: number };
}

const MAINTENANCE_EVERY = 4;
const RECOVERY_EVERY = 20;

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

async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) out.push(await work(items[next++]!));
  });
  await Promise.all(lanes);
  return out;
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
  const concurrency = deps.concurrency ?? 8;
  const staleMs = deps.staleMs ?? 30_000;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> | null = null;
  let stopped = true;
  let polls = 0;
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

  async function submitAll(list: Submission[]): Promise<void> {
    const outcomes = await mapLimit(list, concurrency, submit);
    await runs.settle(outcomes.filter((o): o is RunOutcome => o !== null));
  }

  /** Claims one batch of due ticks and submits their runs; returns how many schedules it claimed. */
  async function poll(): Promise<number> {
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
        const definition = { type: d.test_type, url: d.url, options: d.options, priority: d.priority };
        return [
          { scheduleId: p.scheduleId, tickAt: p.tickAt, testId: p.testId!, userId: d.user_id, definition },
        ];
      });
    });
    stats.claimed += claimed;
    await submitAll(submissions);
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
        definition: { type: r.test_type, url: r.url, options: r.options, priority: r.priority },
      })),
    );
  }

  async function loop(): Promise<void> {
    let claimed = 0;
    try {
      claimed = await poll();
      stats.polls = ++polls;
      if (polls % MAINTENANCE_EVERY === 0) await deps.maintenance?.();
      if (polls % RECOVERY_EVERY === 0) await recover();
    } catch (err) {
      log.error({ err }, 'scheduler poll failed');
    }
    if (!stopped) arm(claimed >= batchSize ? 0 : pollMs);
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
    },
    stats: () => ({ ...stats }),
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
