import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { ScheduleRunKind, ScheduleRunOutcome, ScheduleRunsTable } from '../../shared/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../shared/http/index.ts';
import type { Page } from './page.ts';

export type ScheduleRunRow = Selectable<ScheduleRunsTable>;

/** A due schedule as the claim locks it, with the outcome of the run it submitted last. */
export interface DueSchedule {
  id: string;
  user_id: string;
  test_type: string;
  url: string;
  options: Record<string, unknown>;
  priority: number;
  interval_ms: number | null;
  cron: string | null;
  timezone: string | null;
  anchor_at: Date;
  next_run_at: Date;
  last_test_id: string | null;
  /** Carried by each run (alert rules can be scoped by them). */
  tags: string[];
  last_outcome: ScheduleRunOutcome | null;
}

/** What the scheduler decided for one claimed tick. */
export interface PlannedRun {
  scheduleId: string;
  tickAt: Date;
  nextRunAt: Date | null;
  kind: ScheduleRunKind;
  outcome: 'pending' | 'skipped_overlap';
  testId: string | null;
  missed: number;
}

export interface RunOutcome {
  scheduleId: string;
  tickAt: Date;
  outcome: Exclude<ScheduleRunOutcome, 'pending'>;
  error: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const key = (scheduleId: string, tickAt: Date) => `${scheduleId}@${tickAt.getTime()}`;

/**
 * SQL of the ticks: claiming due schedules (FOR UPDATE SKIP LOCKED, so concurrent schedulers share
 * them out) and recording each tick in schedule_runs, whose primary key (schedule_id, tick_at) is what
 * keeps a tick to one run; a test is submitted only for a row the claim inserted.
 */
export function createScheduleRunsRepository(db: Kysely<DB>) {
  return {
    transaction: <T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<T> => db.transaction().execute(work),

    /** Locks up to `limit` enabled schedules whose tick is due at `now`, earliest first. */
    async lockDue(trx: Kysely<DB>, now: Date, limit: number): Promise<DueSchedule[]> {
      const { rows } = await sql<DueSchedule>`
        SELECT s.id, s.user_id, s.test_type, s.url, s.options, s.priority, s.interval_ms, s.cron, s.timezone,
          s.anchor_at, s.next_run_at, s.last_test_id, s.tags, r.outcome AS last_outcome
        FROM schedules s
        LEFT JOIN schedule_runs r ON r.schedule_id = s.id AND r.tick_at = s.last_test_tick_at
        WHERE s.enabled AND s.next_run_at <= ${now.toISOString()}::timestamptz
        ORDER BY s.next_run_at LIMIT ${limit}
        FOR UPDATE OF s SKIP LOCKED`.execute(trx);
      return rows;
    },

    /**
     * Records the planned ticks (ON CONFLICT DO NOTHING: a tick already recorded is not run again) and
     * moves each schedule to its next tick; the last submitted run is updated only for inserted pending
     * ticks. Returns the keys (`id@ms`) of the ticks inserted.
     */
    async record(
      trx: Kysely<DB>,
      plans: PlannedRun[],
      claimedAt: Date,
      claimedBy: string,
    ): Promise<Set<string>> {
      if (!plans.length) return new Set();
      const values = plans.map(
        (p) => sql`(${p.scheduleId}::uuid, ${p.tickAt.toISOString()}::timestamptz, ${p.kind}, ${p.outcome},
          ${p.testId}::uuid, ${p.missed}::int, ${claimedAt.toISOString()}::timestamptz, ${claimedBy})`,
      );
      const { rows } = await sql<{ schedule_id: string; tick_at: Date }>`
        INSERT INTO schedule_runs (schedule_id, tick_at, kind, outcome, test_id, missed, claimed_at, claimed_by)
        VALUES ${sql.join(values)}
        ON CONFLICT (schedule_id, tick_at) DO NOTHING
        RETURNING schedule_id, tick_at`.execute(trx);
      const inserted = new Set(rows.map((r) => key(r.schedule_id, new Date(r.tick_at))));
      const moves = plans.map((p) => {
        const fresh = inserted.has(key(p.scheduleId, p.tickAt));
        const submits = fresh && p.outcome === 'pending';
        return sql`(${p.scheduleId}::uuid, ${iso(p.nextRunAt)}::timestamptz, ${submits}::boolean,
          ${submits ? p.testId : null}::uuid, ${p.tickAt.toISOString()}::timestamptz,
          ${fresh && p.outcome === 'skipped_overlap' ? 1 : 0}::int)`;
      });
      await sql`
        UPDATE schedules s SET next_run_at = v.next_run_at, last_run_at = ${claimedAt.toISOString()}::timestamptz,
          last_test_id = CASE WHEN v.submits THEN v.test_id ELSE s.last_test_id END,
          last_test_tick_at = CASE WHEN v.submits THEN v.tick_at ELSE s.last_test_tick_at END,
          skipped_overlap = s.skipped_overlap + v.overlap, updated_at = now()
        FROM (VALUES ${sql.join(moves)}) AS v(id, next_run_at, submits, test_id, tick_at, overlap)
        WHERE s.id = v.id`.execute(trx);
      return inserted;
    },

    /**
     * Records what became of submitted ticks and counts them on their schedules. Only pending rows
     * change, so a tick recorded twice (its submission finished by two processes) is counted once.
     */
    async settle(outcomes: RunOutcome[]): Promise<void> {
      if (!outcomes.length) return;
      const values = outcomes.map(
        (o) => sql`(${o.scheduleId}::uuid, ${o.tickAt.toISOString()}::timestamptz, ${o.outcome}, ${o.error})`,
      );
      await sql`
        WITH v(schedule_id, tick_at, outcome, error) AS (VALUES ${sql.join(values)}),
        done AS (
          UPDATE schedule_runs r SET outcome = v.outcome, error = v.error FROM v
          WHERE r.schedule_id = v.schedule_id AND r.tick_at = v.tick_at AND r.outcome = 'pending'
          RETURNING r.schedule_id, r.outcome
        ), counted AS (
          SELECT schedule_id,
            count(*) FILTER (WHERE outcome = 'queued')::int AS queued,
            count(*) FILTER (WHERE outcome = 'skipped_limit')::int AS limited,
            count(*) FILTER (WHERE outcome = 'skipped_quota')::int AS quota,
            count(*) FILTER (WHERE outcome = 'rejected')::int AS rejected
          FROM done GROUP BY schedule_id
        )
        UPDATE schedules s SET runs_total = s.runs_total + c.queued, skipped_limit = s.skipped_limit + c.limited,
          skipped_quota = s.skipped_quota + c.quota, rejected = s.rejected + c.rejected
        FROM counted c WHERE s.id = c.schedule_id`.execute(db);
    },

    /** Ticks whose submission has been pending since before `before` (their process died, or failed to submit). */
    async stalePending(before: Date, limit: number) {
      return db
        .selectFrom('schedule_runs as r')
        .innerJoin('schedules as s', 's.id', 'r.schedule_id')
        .select(['r.schedule_id', 'r.tick_at', 'r.test_id', 's.user_id', 's.test_type', 's.url', 's.options'])
        .select(['s.priority', 's.tags'])
        .where('r.outcome', '=', 'pending')
        .where('r.claimed_at', '<', before)
        .orderBy('r.claimed_at')
        .limit(limit)
        .execute();
    },

    /** A manual run's tick (run-now), inside the caller's transaction; false when that instant is taken. */
    async insertManual(trx: Kysely<DB>, scheduleId: string, tickAt: Date, testId: string): Promise<boolean> {
      const { rows } = await sql`
        WITH run AS (
          INSERT INTO schedule_runs (schedule_id, tick_at, kind, outcome, test_id, claimed_at)
          VALUES (${scheduleId}::uuid, ${tickAt.toISOString()}::timestamptz, 'manual', 'pending', ${testId}::uuid,
            ${tickAt.toISOString()}::timestamptz)
          ON CONFLICT (schedule_id, tick_at) DO NOTHING RETURNING tick_at
        )
        UPDATE schedules SET last_test_id = ${testId}::uuid, last_test_tick_at = run.tick_at,
          last_run_at = run.tick_at, updated_at = now()
        FROM run WHERE schedules.id = ${scheduleId}::uuid RETURNING 1`.execute(trx);
      return rows.length > 0;
    },

    /** The outcome of the tick a schedule submitted last (null when none). */
    async outcomeOf(
      trx: Kysely<DB>,
      scheduleId: string,
      tickAt: Date | null,
    ): Promise<ScheduleRunOutcome | null> {
      if (!tickAt) return null;
      const row = await trx
        .selectFrom('schedule_runs')
        .select('outcome')
        .where('schedule_id', '=', scheduleId)
        .where('tick_at', '=', tickAt)
        .executeTakeFirst();
      return row?.outcome ?? null;
    },

    /** A schedule's ticks, newest first. */
    async list(scheduleId: string, limit: number, cursor?: string): Promise<Page<ScheduleRunRow>> {
      const after = cursor ? decodeCursor(cursor, /^\d+$/) : undefined;
      const rows = await db
        .selectFrom('schedule_runs')
        .selectAll()
        .where('schedule_id', '=', scheduleId)
        .$if(!!after, (q) => q.where('tick_at', '<', new Date(Number(after![1]))))
        .orderBy('tick_at', 'desc')
        .limit(limit + 1)
        .execute();
      const more = rows.length > limit;
      const items = more ? rows.slice(0, limit) : rows;
      const last = items.at(-1);
      const at = last ? new Date(last.tick_at) : null;
      return { items, nextCursor: more && at ? encodeCursor(at.toISOString(), String(at.getTime())) : null };
    },

    /** Skipped ticks of a schedule since each time in `since`. */
    async skippedSince(scheduleId: string, since: Date[]): Promise<number[]> {
      const oldest = new Date(Math.min(...since.map((d) => d.getTime())));
      const columns = since.map(
        (d, i) =>
          sql`count(*) FILTER (WHERE tick_at >= ${d.toISOString()}::timestamptz)::int AS ${sql.ref(`s${i}`)}`,
      );
      const { rows } = await sql<Record<string, number>>`
        SELECT ${sql.join(columns)} FROM schedule_runs
        WHERE schedule_id = ${scheduleId}::uuid AND tick_at >= ${oldest.toISOString()}::timestamptz
          AND outcome IN ('skipped_overlap', 'skipped_limit', 'skipped_quota', 'rejected')`.execute(db);
      return since.map((_, i) => Number(rows[0]?.[`s${i}`] ?? 0));
    },

    /** Deletes up to `limit` ticks claimed before `cutoff` (settled ones); returns how many. */
    async deleteOlderThan(cutoff: Date, limit: number): Promise<number> {
      const { rows } = await sql`
        DELETE FROM schedule_runs WHERE (schedule_id, tick_at) IN (
          SELECT schedule_id, tick_at FROM schedule_runs
          WHERE claimed_at < ${cutoff.toISOString()}::timestamptz AND outcome <> 'pending'
          ORDER BY claimed_at LIMIT ${limit})
        RETURNING 1`.execute(db);
      return rows.length;
    },
  };
}

export type ScheduleRunsRepository = ReturnType<typeof createScheduleRunsRepository>;
