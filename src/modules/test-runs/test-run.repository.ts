import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { EngineResult } from '../../engines/index.ts';
import type { TestRow } from './test.repository.ts';

/** The attempt a worker owns: its fencing token and the attempt number. */
export interface Attempt {
  testId: string;
  row: TestRow;
  runId: string;
}

const interval = (ms: number) => sql`make_interval(secs => ${ms / 1000})`;

/**
 * SQL of the run lifecycle. Every write after the start is fenced by `run_id`: an attempt that lost its
 * test (cancelled, or taken over after its worker was presumed dead) changes nothing.
 */
export function createTestRunRepository(db: Kysely<DB>) {
  return {
    /**
     * Claims a test for an attempt. A `running` row is claimable too: the queue only hands it out again
     * when the worker that had it died (stalled lock, expired lease or a reconciler re-enqueue).
     */
    async start(
      testId: string,
      workerId: string,
      leaseMs: number,
      takeOver: boolean,
    ): Promise<Attempt | undefined> {
      const runId = randomUUID();
      const row = await db
        .updateTable('test_queue')
        .set({
          status: 'running',
          attempts: sql`attempts + 1`,
          run_id: runId,
          worker_id: workerId,
          started_at: sql`now()`,
          lease_until: sql`now() + ${interval(leaseMs)}`,
          progress: 0,
          message: 'started',
          updated_at: sql`now()`,
        })
        .where('test_id', '=', testId)
        .where('status', 'in', takeOver ? ['queued', 'running'] : ['queued'])
        .returningAll()
        .executeTakeFirst();
      return row ? { testId, row, runId } : undefined;
    },

    /**
     * Claims up to `limit` due queued tests in one statement (the embedded driver's dispatch), highest
     * priority first, then oldest. SKIP LOCKED keeps two processes on one PostgreSQL from claiming a row twice.
     */
    async claimNext(limit: number, workerId: string, leaseMs: number): Promise<Attempt[]> {
      const { rows } = await sql<TestRow>`
        UPDATE test_queue SET status = 'running', attempts = attempts + 1, run_id = gen_random_uuid(), worker_id = ${workerId},
          started_at = now(), lease_until = now() + ${interval(leaseMs)}, progress = 0, message = 'started', updated_at = now()
        WHERE test_id IN (
          SELECT test_id FROM test_queue WHERE status = 'queued' AND available_at <= now()
          ORDER BY priority DESC, created_at, test_id LIMIT ${limit} FOR UPDATE SKIP LOCKED
        )
        RETURNING *`.execute(db);
      // RETURNING has no order: restore the dispatch order.
      rows.sort(
        (a, b) =>
          b.priority - a.priority ||
          +new Date(a.created_at) - +new Date(b.created_at) ||
          (a.test_id < b.test_id ? -1 : 1),
      );
      return rows.map((row) => ({ testId: row.test_id, row, runId: row.run_id! }));
    },

    /**
     * `start` for several tests in one statement (a busy BullMQ worker's starts, batched): one answer per
     * item, in order; undefined where the test was not startable.
     */
    async startMany(
      items: ReadonlyArray<{ testId: string; takeOver: boolean }>,
      workerId: string,
      leaseMs: number,
    ): Promise<Array<Attempt | undefined>> {
      const runIds = items.map(() => randomUUID());
      const { rows } = await sql<TestRow>`
        UPDATE test_queue q SET status = 'running', attempts = q.attempts + 1, run_id = i.run_id, worker_id = ${workerId},
          started_at = now(), lease_until = now() + ${interval(leaseMs)}, progress = 0, message = 'started', updated_at = now()
        FROM unnest(${items.map((i) => i.testId)}::uuid[], ${runIds}::uuid[], ${items.map((i) => i.takeOver)}::boolean[])
          AS i(test_id, run_id, take_over)
        WHERE q.test_id = i.test_id AND (q.status = 'queued' OR (i.take_over AND q.status = 'running'))
        RETURNING q.*`.execute(db);
      const byRun = new Map(rows.map((row) => [row.run_id!, row]));
      return items.map((item, k) => {
        const row = byRun.get(runIds[k]!);
        return row ? { testId: item.testId, row, runId: runIds[k]! } : undefined;
      });
    },

    /** Extends the lease; false when the attempt no longer owns the test (cancelled or taken over). */
    async renew(testId: string, runId: string, leaseMs: number): Promise<boolean> {
      const r = await db
        .updateTable('test_queue')
        .set({ lease_until: sql`now() + ${interval(leaseMs)}` })
        .where('test_id', '=', testId)
        .where('run_id', '=', runId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async progress(testId: string, runId: string, percent: number, message: string): Promise<void> {
      await db
        .updateTable('test_queue')
        .set({ progress: percent, message: message.slice(0, 500), updated_at: sql`now()` })
        .where('test_id', '=', testId)
        .where('run_id', '=', runId)
        .where('status', '=', 'running')
        .execute();
    },

    /**
     * Stores the result and marks the test completed, both or neither (one statement, so one round trip);
     * false when the attempt lost the test. The result's primary key keeps it to one row per test. `trx`:
     * the transaction that stores the result's artifacts with it.
     */
    async complete(
      testId: string,
      runId: string,
      result: EngineResult,
      trx: Kysely<DB> = db,
    ): Promise<boolean> {
      const { rows } = await sql<{ n: number }>`
        WITH done AS (
          UPDATE test_queue SET status = 'completed', progress = 100, message = 'completed', completed_at = now(),
            lease_until = NULL, error_message = NULL, updated_at = now()
          WHERE test_id = ${testId} AND run_id = ${runId} AND status = 'running'
          RETURNING test_id
        ), stored AS (
          INSERT INTO test_results (test_id, passed, score, summary, metrics, findings, details)
          SELECT test_id, ${result.passed ?? null}::boolean, ${result.score ?? null}::real, ${result.summary},
            ${JSON.stringify(result.metrics ?? {})}::jsonb, ${JSON.stringify(result.findings ?? [])}::jsonb, ${JSON.stringify(result.details ?? {})}::jsonb
          FROM done
          ON CONFLICT (test_id) DO NOTHING
        )
        SELECT count(*)::int AS n FROM done`.execute(trx);
      return Number(rows[0]?.n ?? 0) > 0;
    },

    /**
     * `complete` for several attempts in one statement (completions of one moment, batched): one answer
     * per item, in order. Each item is fenced by its own run id, as in `complete`.
     */
    async completeMany(
      items: ReadonlyArray<{ testId: string; runId: string; result: EngineResult }>,
    ): Promise<boolean[]> {
      const input = items.map(({ testId, runId, result }) => ({
        test_id: testId,
        run_id: runId,
        passed: result.passed ?? null,
        score: result.score ?? null,
        summary: result.summary,
        metrics: result.metrics ?? {},
        findings: result.findings ?? [],
        details: result.details ?? {},
      }));
      const { rows } = await sql<{ run_id: string }>`
        WITH i AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb) AS x(test_id uuid, run_id uuid,
            passed boolean, score real, summary text, metrics jsonb, findings jsonb, details jsonb)
        ), done AS (
          UPDATE test_queue q SET status = 'completed', progress = 100, message = 'completed', completed_at = now(),
            lease_until = NULL, error_message = NULL, updated_at = now()
          FROM i WHERE q.test_id = i.test_id AND q.run_id = i.run_id AND q.status = 'running'
          RETURNING q.test_id, q.run_id
        ), stored AS (
          INSERT INTO test_results (test_id, passed, score, summary, metrics, findings, details)
          SELECT i.test_id, i.passed, i.score, i.summary, i.metrics, i.findings, i.details
          FROM i JOIN done ON done.test_id = i.test_id AND done.run_id = i.run_id
          ON CONFLICT (test_id) DO NOTHING
        )
        SELECT run_id::text AS run_id FROM done`.execute(db);
      const done = new Set(rows.map((r) => r.run_id));
      return items.map((item) => done.has(item.runId));
    },

    /** Puts the test back in the queue to run after `delayMs` (a retry, or 0 for a hand-back). */
    async requeue(
      testId: string,
      runId: string,
      delayMs: number,
      error: string | null,
      undoAttempt = false,
    ): Promise<boolean> {
      const r = await db
        .updateTable('test_queue')
        .set({
          status: 'queued',
          error_message: error,
          message: error ? `retrying in ${Math.round(delayMs / 1000)} s` : 'queued again',
          available_at: sql`now() + ${interval(delayMs)}`,
          attempts: undoAttempt ? sql`greatest(attempts - 1, 0)` : sql`attempts`,
          run_id: null,
          lease_until: null,
          updated_at: sql`now()`,
        })
        .where('test_id', '=', testId)
        .where('run_id', '=', runId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async fail(testId: string, runId: string, error: string): Promise<boolean> {
      const r = await db
        .updateTable('test_queue')
        .set({
          status: 'failed',
          error_message: error,
          message: 'failed',
          completed_at: sql`now()`,
          lease_until: null,
          updated_at: sql`now()`,
        })
        .where('test_id', '=', testId)
        .where('run_id', '=', runId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async status(testId: string): Promise<{ status: string; run_id: string | null } | undefined> {
      return db
        .selectFrom('test_queue')
        .select(['status', 'run_id'])
        .where('test_id', '=', testId)
        .executeTakeFirst();
    },
  };
}

export type TestRunRepository = ReturnType<typeof createTestRunRepository>;
