import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { TestQueueTable, TestResultsTable, TestStatus } from '../../shared/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../shared/http/index.ts';

export type TestRow = Selectable<TestQueueTable>;
export type ResultRow = Selectable<TestResultsTable>;

/** Who asks: admins see every test, anyone else only their own. */
export interface Viewer {
  id: string;
  role: 'user' | 'admin';
}

export interface NewTest {
  testId: string;
  userId: string;
  type: string;
  url: string;
  options: Record<string, unknown>;
  priority: number;
  /** When it was submitted, by the quota's clock (the day it counts towards); the database's now() otherwise. */
  createdAt?: Date;
  /** The schedule whose tick submits it. */
  scheduleId?: string | null;
  tags?: string[];
}

export interface CreateOptions {
  /** The submission's transaction (the daily quota's), so the insert commits or rolls back with it. */
  trx?: Kysely<DB>;
  /**
   * Insert only when the user has no positive daily-quota override, so that on a server without a default
   * quota the one INSERT also checks for an admin's per-user quota (submission then takes the counted path).
   */
  unlessQuotaOverride?: boolean;
}

export interface ListFilter {
  status?: TestStatus;
  type?: string;
  scheduleId?: string;
  /** Case-insensitive text the URL contains. */
  search?: string;
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type Row = TestRow & { cursor_at: string; score: number | null };

/** Owner-scoped SQL over test_queue and test_results: another user's test is simply not found. */
export function createTestRepository(db: Kysely<DB>) {
  const scoped = (viewer: Viewer) =>
    db
      .selectFrom('test_queue')
      .selectAll()
      .$if(viewer.role !== 'admin', (q) => q.where('user_id', '=', viewer.id));

  return {
    /**
     * Inserts a queued test unless the user already has `limit` queued or running tests. One statement,
     * so concurrent submissions cannot both slip under the limit by much.
     */
    async createWithinLimit(
      t: NewTest,
      limit: number,
      opts: CreateOptions = {},
    ): Promise<TestRow | undefined> {
      const noOverride = opts.unlessQuotaOverride
        ? sql`AND NOT EXISTS (SELECT 1 FROM user_quotas WHERE user_id = ${t.userId} AND daily_test_quota > 0)`
        : sql``;
      const { rows } = await sql<TestRow>`
        INSERT INTO test_queue (test_id, test_type, url, config, priority, user_id, created_at, schedule_id, tags)
        SELECT ${t.testId}, ${t.type}, ${t.url}, ${JSON.stringify(t.options)}::jsonb, ${t.priority}, ${t.userId},
          COALESCE(${t.createdAt?.toISOString() ?? null}::timestamptz, now()), ${t.scheduleId ?? null}::uuid,
          ${t.tags ?? []}::text[]
        WHERE (SELECT count(*) FROM (SELECT 1 FROM test_queue WHERE user_id = ${t.userId} AND status IN ('queued', 'running') LIMIT ${limit}) active) < ${limit}
          ${noOverride}
        RETURNING *`.execute(opts.trx ?? db);
      return rows[0];
    },

    getById(viewer: Viewer, testId: string): Promise<TestRow | undefined> {
      return scoped(viewer).where('test_id', '=', testId).executeTakeFirst();
    },

    /** A page of the history, newest first, each row with its result's score (null before one exists). */
    async list(viewer: Viewer, f: ListFilter): Promise<Page<TestRow & { score: number | null }>> {
      const after = f.cursor ? decodeCursor(f.cursor) : undefined;
      const rows = (await scoped(viewer)
        .select(sql<string>`created_at::text`.as('cursor_at'))
        .select(
          sql<number | null>`(SELECT r.score FROM test_results r WHERE r.test_id = test_queue.test_id)`.as(
            'score',
          ),
        )
        .$if(!!f.status, (q) => q.where('status', '=', f.status!))
        .$if(!!f.type, (q) => q.where('test_type', '=', f.type!))
        .$if(!!f.scheduleId, (q) => q.where('schedule_id', '=', f.scheduleId!))
        .$if(!!f.search, (q) => q.where(sql<boolean>`strpos(lower(url), lower(${f.search!})) > 0`))
        .$if(!!after, (q) =>
          q.where(sql<boolean>`(created_at, test_id) < (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('created_at', 'desc')
        .orderBy('test_id', 'desc')
        .limit(f.limit + 1)
        .execute()) as Row[];
      const more = rows.length > f.limit;
      const items = more ? rows.slice(0, f.limit) : rows;
      const last = items.at(-1);
      return { items, nextCursor: more && last ? encodeCursor(last.cursor_at, last.test_id) : null };
    },

    /** Who owns a test; null when there is none. The one owner lookup (realtime and the result cache use it). */
    async ownerOf(testId: string): Promise<string | null> {
      const row = await db
        .selectFrom('test_queue')
        .select('user_id')
        .where('test_id', '=', testId)
        .executeTakeFirst();
      return row?.user_id ?? null;
    },

    /** Cancels a queued or running test; undefined when it already finished (or raced to finish). */
    cancel(viewer: Viewer, testId: string): Promise<TestRow | undefined> {
      return db
        .updateTable('test_queue')
        .set({
          status: 'cancelled',
          message: 'cancelled',
          completed_at: sql`now()`,
          run_id: null,
          lease_until: null,
          updated_at: sql`now()`,
        })
        .where('test_id', '=', testId)
        .$if(viewer.role !== 'admin', (q) => q.where('user_id', '=', viewer.id))
        .where('status', 'in', ['queued', 'running'])
        .returningAll()
        .executeTakeFirst();
    },

    /** Queues a failed or cancelled test again, unless its owner is at the active-tests limit. */
    async resetForRetry(viewer: Viewer, testId: string, limit: number): Promise<TestRow | undefined> {
      const { rows } = await sql<TestRow>`
        UPDATE test_queue SET status = 'queued', retry_count = retry_count + 1, attempts = 0, progress = 0,
          message = 'queued', error_message = NULL, started_at = NULL, completed_at = NULL, run_id = NULL,
          lease_until = NULL, available_at = now(), updated_at = now()
        WHERE test_id = ${testId} AND status IN ('failed', 'cancelled')
          AND (${viewer.role === 'admin'} OR user_id = ${viewer.id})
          AND (SELECT count(*) FROM (SELECT 1 FROM test_queue q WHERE q.user_id = test_queue.user_id AND q.status IN ('queued', 'running') LIMIT ${limit}) active) < ${limit}
        RETURNING *`.execute(db);
      return rows[0];
    },

    async getResult(
      viewer: Viewer,
      testId: string,
    ): Promise<{ test: TestRow; result: ResultRow | undefined } | undefined> {
      const test = await scoped(viewer).where('test_id', '=', testId).executeTakeFirst();
      if (!test) return undefined;
      const result = await db
        .selectFrom('test_results')
        .selectAll()
        .where('test_id', '=', testId)
        .executeTakeFirst();
      return { test, result };
    },
  };
}

export type TestRepository = ReturnType<typeof createTestRepository>;
