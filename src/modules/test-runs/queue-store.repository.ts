import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { TestStatus } from '../../shared/db/schema.ts';
import type { QueueStats, QueueStore } from '../queue/index.ts';
import { createTestRunRepository, type Attempt } from './test-run.repository.ts';

/**
 * The queue's view of test_queue (the QueueStore port): dispatch for the embedded driver, recovery of
 * stalled runs, the reconciler's input and the statistics of GET /api/queue/status.
 */
export function createQueueStore(db: Kysely<DB>): QueueStore<Attempt> {
  const runs = createTestRunRepository(db);
  return {
    claim: (limit, workerId, leaseMs) => runs.claimNext(limit, workerId, leaseMs),

    async recoverStalled(): Promise<string[]> {
      const rows = await db
        .updateTable('test_queue')
        .set({
          status: 'queued',
          run_id: null,
          lease_until: null,
          message: 'worker lost; queued again',
          available_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('status', '=', 'running')
        .where('lease_until', '<', sql<Date>`now()`)
        .returning('test_id')
        .execute();
      return rows.map((r) => r.test_id);
    },

    async unfinished(graceMs, limit) {
      const rows = await db
        .selectFrom('test_queue')
        .select(['test_id', 'priority'])
        .where('status', 'in', ['queued', 'running'])
        .where('updated_at', '<=', sql<Date>`now() - make_interval(secs => ${graceMs / 1000})`)
        .orderBy('created_at', 'asc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ testId: r.test_id, priority: r.priority }));
    },

    async counts() {
      const { rows } = await sql<{ waiting: number; active: number; delayed: number }>`
        SELECT count(*) FILTER (WHERE status = 'queued' AND available_at <= now())::int AS waiting,
               count(*) FILTER (WHERE status = 'running')::int AS active,
               count(*) FILTER (WHERE status = 'queued' AND available_at > now())::int AS delayed
        FROM test_queue WHERE status IN ('queued', 'running')`.execute(db);
      return rows[0] ?? { waiting: 0, active: 0, delayed: 0 };
    },

    async stats(windowMs): Promise<QueueStats> {
      const byStatus: Record<TestStatus, number> = {
        queued: 0,
        running: 0,
        completed: 0,
        failed: 0,
        cancelled: 0,
      };
      const grouped = await db
        .selectFrom('test_queue')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .groupBy('status')
        .execute();
      for (const g of grouped) byStatus[g.status] = Number(g.n);
      const { rows } = await sql<{
        completed: number;
        failed: number;
        wait_ms: number | null;
        run_ms: number | null;
      }>`
        SELECT count(*) FILTER (WHERE status = 'completed')::int AS completed,
               count(*) FILTER (WHERE status = 'failed')::int AS failed,
               (avg(extract(epoch FROM started_at - created_at)) FILTER (WHERE status = 'completed') * 1000)::float8 AS wait_ms,
               (avg(extract(epoch FROM completed_at - started_at)) FILTER (WHERE status = 'completed') * 1000)::float8 AS run_ms
        FROM test_queue WHERE completed_at > now() - make_interval(secs => ${windowMs / 1000})`.execute(db);
      const r = rows[0];
      const round = (v: number | null | undefined) =>
        v === null || v === undefined ? null : Math.round(Number(v));
      return {
        byStatus,
        completedLastMinute: r?.completed ?? 0,
        failedLastMinute: r?.failed ?? 0,
        meanWaitMs: round(r?.wait_ms),
        meanRunMs: round(r?.run_ms),
      };
    },
  };
}
