import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { SchedulesTable } from '../../shared/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../shared/http/index.ts';
import type { Page } from './page.ts';

export type ScheduleRow = Selectable<SchedulesTable>;

/** Who asks: admins see every schedule, anyone else only their own. */
export interface Viewer {
  id: string;
  role: 'user' | 'admin';
}

/** A schedule's definition and timing as the service saves it. */
export interface ScheduleValues {
  name: string;
  type: string;
  url: string;
  options: Record<string, unknown>;
  priority: number;
  intervalMs: number | null;
  cron: string | null;
  timezone: string | null;
  tags: string[];
}

export interface ListFilter {
  limit: number;
  cursor?: string;
  enabled?: boolean;
  tag?: string;
}

type Row = ScheduleRow & { cursor_at: string };

const columns = (v: ScheduleValues) => ({
  name: v.name,
  test_type: v.type,
  url: v.url,
  options: JSON.stringify(v.options),
  priority: v.priority,
  interval_ms: v.intervalMs,
  cron: v.cron,
  timezone: v.timezone,
  tags: v.tags,
});

/** Owner-scoped SQL over schedules: another user's schedule is simply not found. */
export function createScheduleRepository(db: Kysely<DB>) {
  const scoped = (viewer: Viewer, q = db) =>
    q
      .selectFrom('schedules')
      .selectAll()
      .$if(viewer.role !== 'admin', (b) => b.where('user_id', '=', viewer.id));

  return {
    /**
     * Inserts a schedule unless its owner already has `max`: one statement, so concurrent creations
     * cannot slip under the limit by much. `nextRunAt` is its first tick (null when created paused).
     */
    async createWithinLimit(
      userId: string,
      v: ScheduleValues,
      t: { enabled: boolean; anchorAt: Date; nextRunAt: Date | null },
      max: number,
    ): Promise<ScheduleRow | undefined> {
      const { rows } = await sql<ScheduleRow>`
        INSERT INTO schedules (user_id, name, test_type, url, options, priority, interval_ms, cron, timezone, tags,
          enabled, anchor_at, next_run_at)
        SELECT ${userId}, ${v.name}, ${v.type}, ${v.url}, ${JSON.stringify(v.options)}::jsonb, ${v.priority},
          ${v.intervalMs}::int, ${v.cron}, ${v.timezone}, ${v.tags}::text[], ${t.enabled},
          ${t.anchorAt.toISOString()}::timestamptz, ${t.nextRunAt?.toISOString() ?? null}::timestamptz
        WHERE (SELECT count(*) FROM schedules WHERE user_id = ${userId}) < ${max}
        RETURNING *`.execute(db);
      return rows[0];
    },

    getById(viewer: Viewer, id: string): Promise<ScheduleRow | undefined> {
      return scoped(viewer).where('id', '=', id).executeTakeFirst();
    },

    /** Locks the schedule until `trx` ends (run-now, which must see the last run as it is). */
    lock(trx: Kysely<DB>, viewer: Viewer, id: string): Promise<ScheduleRow | undefined> {
      return scoped(viewer, trx).where('id', '=', id).forUpdate().executeTakeFirst();
    },

    async list(viewer: Viewer, f: ListFilter): Promise<Page<ScheduleRow>> {
      const after = f.cursor ? decodeCursor(f.cursor) : undefined;
      const rows = (await scoped(viewer)
        .select(sql<string>`created_at::text`.as('cursor_at'))
        .$if(f.enabled !== undefined, (q) => q.where('enabled', '=', f.enabled!))
        .$if(!!f.tag, (q) => q.where(sql<boolean>`${f.tag!} = ANY(tags)`))
        .$if(!!after, (q) =>
          q.where(sql<boolean>`(created_at, id) < (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.limit + 1)
        .execute()) as Row[];
      const more = rows.length > f.limit;
      const items = more ? rows.slice(0, f.limit) : rows;
      const last = items.at(-1);
      return { items, nextCursor: more && last ? encodeCursor(last.cursor_at, last.id) : null };
    },

    /** Replaces the definition; `timing` (a new anchor and first tick) when the timing changed. */
    update(
      viewer: Viewer,
      id: string,
      v: ScheduleValues & { enabled: boolean },
      timing: { anchorAt: Date; nextRunAt: Date | null } | null,
      trx: Kysely<DB> = db,
    ): Promise<ScheduleRow | undefined> {
      return trx
        .updateTable('schedules')
        .set({
          ...columns(v),
          enabled: v.enabled,
          ...(timing ? { anchor_at: timing.anchorAt, next_run_at: timing.nextRunAt } : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .$if(viewer.role !== 'admin', (q) => q.where('user_id', '=', viewer.id))
        .returningAll()
        .executeTakeFirst();
    },

    /** Pauses (nextRunAt null) or resumes a schedule. */
    setEnabled(
      viewer: Viewer,
      id: string,
      enabled: boolean,
      nextRunAt: Date | null,
    ): Promise<ScheduleRow | undefined> {
      return db
        .updateTable('schedules')
        .set({ enabled, next_run_at: nextRunAt, updated_at: sql`now()` })
        .where('id', '=', id)
        .$if(viewer.role !== 'admin', (q) => q.where('user_id', '=', viewer.id))
        .returningAll()
        .executeTakeFirst();
    },

    /** Pauses every running schedule of `userId` (their account was disabled); how many. */
    async pauseAllOf(userId: string): Promise<number> {
      const r = await db
        .updateTable('schedules')
        .set({ enabled: false, next_run_at: null, updated_at: sql`now()` })
        .where('user_id', '=', userId)
        .where('enabled', '=', true)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    async delete(viewer: Viewer, id: string): Promise<boolean> {
      const r = await db
        .deleteFrom('schedules')
        .where('id', '=', id)
        .$if(viewer.role !== 'admin', (q) => q.where('user_id', '=', viewer.id))
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}

export type ScheduleRepository = ReturnType<typeof createScheduleRepository>;
