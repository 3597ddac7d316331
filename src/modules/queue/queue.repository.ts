import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { TestStatus } from '../../shared/db/schema.ts';
import type { TestRow } from '../tests/test.repository.ts';

export interface QueueStats {
  byStatus: Record<TestStatus, number>;
  completedLastMinute: number;
  failedLastMinute: number;
  meanWaitMs: number | null;
  meanRunMs: number | null;
}

/** SQL the queue needs beyond the tests module's: state transitions, dispatch and recovery, statistics. */
export function createQueueRepository(db: Kysely<DB>) {
  return {
    /** Cancels a queued or running test; undefined when it already finished (or raced to finish). */
    cancel(testId: string): Promise<TestRow | undefined> {
      return db
        .updateTable('test_queue')
        .set({ status: 'cancelled', message: 'cancelled', completed_at: sql`now()`, run_id: null, lease_until: null, updated_at: sql`now()` })
        .where('test_id', '=', testId)
        .where('status', 'in', ['queued', 'running'])
        .returningAll()
        .executeTakeFirst();
    },

    /** Queues a failed or cancelled test again, unless its owner is at the active-tests limit. */
    async resetForRetry(testId: string, limit: number): Promise<TestRow | undefined> {
      const { rows } = await sql<TestRow>`
        UPDATE test_queue SET status = 'queued', retry_count = retry_count + 1, attempts = 0, progress = 0,
          message = 'queued', error_message = NULL, started_at = NULL, completed_at = NULL, run_id = NULL,
          lease_until = NULL, available_at = now(), updated_at = now()
        WHERE test_id = ${testId} AND status IN ('failed', 'cancelled')
          AND (SELECT count(*) FROM (SELECT 1 FROM test_queue q WHERE q.user_id = test_queue.user_id AND q.status IN ('queued', 'running') LIMIT ${limit}) active) < ${limit}
        RETURNING *`.execute(db);
      return rows[0];
    },

    /** Running tests whose lease expired (their worker died) go back to the queue. */
    async recoverStalled(): Promise<string[]> {
      const rows = await db
        .updateTable('test_queue')
        .set({ status: 'queued', run_id: null, lease_until: null, message: 'worker lost; queued again', available_at: sql`now()`, updated_at: sql`now()` })
        .where('status', '=', 'running')
        .where('lease_until', '<', sql<Date>`now()`)
        .returning('test_id')
        .execute();
      return rows.map((r) => r.test_id);
    },

    /** Tests the database holds as queued or running, untouched for `graceMs` (the reconciler's input). */
    unfinished(graceMs: number, limit: number): Promise<Array<{ test_id: string; priority: number; status: TestStatus }>> {
      return db
        .selectFrom('test_queue')
        .select(['test_id', 'priority', 'status'])
        .where('status', 'in', ['queued', 'running'])
        .where('updated_at', '<=', sql<Date>`now() - make_interval(secs => ${graceMs / 1000})`)
        .orderBy('created_at', 'asc')
        .limit(limit)
        .execute();
    },

    async counts(): Promise<{ waiting: number; active: number; delayed: number }> {
      const { rows } = await sql<{ waiting: number; active: number; delayed: number }>`
        SELECT count(*) FILTER (WHERE status = 'queued' AND available_at <= now())::int AS waiting,
               count(*) FILTER (WHERE status = 'running')::int AS active,
               count(*) FILTER (WHERE status = 'queued' AND available_at > now())::int AS delayed
        FROM test_queue WHERE status IN ('queued', 'running')`.execute(db);
      return rows[0] ?? { waiting: 0, active: 0, delayed: 0 };
    },

    async stats(windowMs: number): Promise<QueueStats> {
      const byStatus: Record<TestStatus, number> = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
      const grouped = await db.selectFrom('test_queue').select(['status', sql<number>`count(*)::int`.as('n')]).groupBy('status').execute();
      for (const g of grouped) byStatus[g.status] = Number(g.n);
      const { rows } = await sql<{ completed: number; failed: number; wait_ms: number | null; run_ms: number | null }>`
        SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed,
               count(*) FILTER (WHERE status = 'failed')::int AS failed,
               (avg(extract(epoch FROM started_at - created_at)) FILTER (WHERE status = 'completed') * 1000)::float8 AS wait_ms,
               (avg(extract(epoch FROM completed_at - started_at)) FILTER (WHERE status = 'completed') * 1000)::float8 AS run_ms
        FROM test_queue WHERE completed_at > now() - make_interval(secs => ${windowMs / 1000})`.execute(db);
      const r = rows[0];
      const round = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(Number(v)));
      return { byStatus, completedLastMinute: r?.completed ?? 0, failedLastMinute: r?.failed ?? 0, meanWaitMs: round(r?.wait_ms), meanRunMs: round(r?.run_ms) };
    },
  };
}

export type QueueRepository = ReturnType<typeof createQueueRepository>;
