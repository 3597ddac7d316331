import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';

/** One time bucket of a metric's series: the bucket's start and the runs' figures within it. */
export interface SeriesBucket {
  /** Index of the bucket from `from` (bucket k starts at from + k × bucketMs). */
  bucket: number;
  min: number;
  avg: number;
  max: number;
  count: number;
}

export interface LatestRun {
  testId: string;
  status: 'completed' | 'failed';
  completedAt: Date;
  passed: boolean | null;
  score: number | null;
  summary: string | null;
  error: string | null;
  metrics: Record<string, number>;
}

/** Finished runs of a schedule since a time: every run that completed or failed, and how many passed. */
export interface WindowCounts {
  runs: number;
  passed: number;
  failed: number;
}

/** Where the retention's walk over results stopped: created_at as text (full precision) and the test id. */
export interface ResultCursor {
  at: string;
  id: string;
}

/**
 * The SQL the schedules module needs on test_queue and test_results, behind the test-runs module's port:
 * which runs are still active (overlap), a metric's series and the run counts over a schedule's tests,
 * and dropping old scheduled results' details.
 */
export function createScheduledTestsRepository(db: Kysely<DB>) {
  return {
    /** The tests among `testIds` that are queued or running (`trx`: the scheduler's claim transaction). */
    async activeAmong(testIds: string[], trx: Kysely<DB> = db): Promise<string[]> {
      if (!testIds.length) return [];
      const rows = await trx
        .selectFrom('test_queue')
        .select('test_id')
        .where('test_id', 'in', testIds)
        .where('status', 'in', ['queued', 'running'])
        .execute();
      return rows.map((r) => r.test_id);
    },

    /** min/avg/max of `metric` over the schedule's completed runs in [from, to), per bucket of `bucketMs`. */
    async series(scheduleId: string, metric: string, from: Date, to: Date, bucketMs: number) {
      const { rows } = await sql<SeriesBucket>`
        SELECT floor((extract(epoch FROM q.completed_at) * 1000 - ${from.getTime()}) / ${bucketMs})::int AS bucket,
          min(v.value) AS min, avg(v.value) AS avg, max(v.value) AS max, count(*)::int AS count
        FROM test_queue q
        JOIN test_results r ON r.test_id = q.test_id
        CROSS JOIN LATERAL (SELECT (r.metrics ->> ${metric})::double precision AS value) v
        WHERE q.schedule_id = ${scheduleId} AND q.completed_at IS NOT NULL
          AND q.completed_at >= ${from.toISOString()}::timestamptz AND q.completed_at < ${to.toISOString()}::timestamptz
          AND jsonb_typeof(r.metrics -> ${metric}) = 'number'
        GROUP BY 1 ORDER BY 1`.execute(db);
      return rows.map((r) => ({ ...r, min: Number(r.min), avg: Number(r.avg), max: Number(r.max) }));
    },

    /** The schedule's last finished run (completed or failed) and its result, if any. */
    async latest(scheduleId: string): Promise<LatestRun | null> {
      const { rows } = await sql<LatestRun>`
        SELECT q.test_id AS "testId", q.status, q.completed_at AS "completedAt", r.passed, r.score, r.summary,
          q.error_message AS error, COALESCE(r.metrics, '{}'::jsonb) AS metrics
        FROM test_queue q LEFT JOIN test_results r ON r.test_id = q.test_id
        WHERE q.schedule_id = ${scheduleId} AND q.completed_at IS NOT NULL AND q.status IN ('completed', 'failed')
        ORDER BY q.completed_at DESC LIMIT 1`.execute(db);
      return rows[0] ?? null;
    },

    /**
     * Finished runs per window (each `since` up to `until`): a run passed when it completed without a failed
     * verdict, failed when it failed or completed with passed = false. Cancelled runs are not counted.
     */
    async counts(scheduleId: string, since: Date[], until: Date): Promise<WindowCounts[]> {
      const oldest = new Date(Math.min(...since.map((d) => d.getTime())));
      const columns = since.map(
        (s, i) => sql`
          count(*) FILTER (WHERE q.completed_at >= ${s.toISOString()}::timestamptz)::int AS ${sql.ref(`runs_${i}`)},
          count(*) FILTER (WHERE q.completed_at >= ${s.toISOString()}::timestamptz AND q.status = 'completed'
            AND r.passed IS DISTINCT FROM false)::int AS ${sql.ref(`passed_${i}`)}`,
      );
      const { rows } = await sql<Record<string, number>>`
        SELECT ${sql.join(columns)}
        FROM test_queue q LEFT JOIN test_results r ON r.test_id = q.test_id
        WHERE q.schedule_id = ${scheduleId} AND q.completed_at IS NOT NULL AND q.status IN ('completed', 'failed')
          AND q.completed_at >= ${oldest.toISOString()}::timestamptz AND q.completed_at <= ${until.toISOString()}::timestamptz`.execute(
        db,
      );
      const row = rows[0] ?? {};
      return since.map((_, i) => {
        const runs = Number(row[`runs_${i}`] ?? 0);
        const passed = Number(row[`passed_${i}`] ?? 0);
        return { runs, passed, failed: runs - passed };
      });
    },

    /** The schedule's last failed run: failed outright, or completed with passed = false. */
    async lastFailure(scheduleId: string): Promise<LatestRun | null> {
      const { rows } = await sql<LatestRun>`
        SELECT q.test_id AS "testId", q.status, q.completed_at AS "completedAt", r.passed, r.score, r.summary,
          q.error_message AS error, COALESCE(r.metrics, '{}'::jsonb) AS metrics
        FROM test_queue q LEFT JOIN test_results r ON r.test_id = q.test_id
        WHERE q.schedule_id = ${scheduleId} AND q.completed_at IS NOT NULL
          AND (q.status = 'failed' OR (q.status = 'completed' AND r.passed = false))
        ORDER BY q.completed_at DESC LIMIT 1`.execute(db);
      return rows[0] ?? null;
    },

    /**
     * Looks at the next `limit` results after `after` that were stored before `cutoff` (in created_at,
     * test_id order) and empties the details of those that belong to a schedule's run. Returns how many
     * it looked at and emptied, and where to go on from.
     */
    async pruneDetails(
      after: ResultCursor | null,
      cutoff: Date,
      limit: number,
    ): Promise<{ examined: number; pruned: number; last: ResultCursor | null }> {
      const from = after ?? { at: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
      const { rows } = await sql<{
        examined: number;
        pruned: number;
        last_at: string | null;
        last_id: string | null;
      }>`
        WITH batch AS (
          SELECT r.test_id, r.created_at, q.schedule_id, r.details <> '{}'::jsonb AS has_details
          FROM test_results r JOIN test_queue q ON q.test_id = r.test_id
          WHERE (r.created_at, r.test_id) > (${from.at}::timestamptz, ${from.id}::uuid)
            AND r.created_at < ${cutoff.toISOString()}::timestamptz
          ORDER BY r.created_at, r.test_id LIMIT ${limit}
        ), pruned AS (
          UPDATE test_results t SET details = '{}'::jsonb FROM batch b
          WHERE t.test_id = b.test_id AND b.schedule_id IS NOT NULL AND b.has_details
          RETURNING 1
        ), last AS (SELECT created_at::text AS at, test_id::text AS id FROM batch ORDER BY created_at DESC, test_id DESC LIMIT 1)
        SELECT (SELECT count(*) FROM batch)::int AS examined, (SELECT count(*) FROM pruned)::int AS pruned,
          (SELECT at FROM last) AS last_at, (SELECT id FROM last) AS last_id`.execute(db);
      const row = rows[0]!;
      return {
        examined: row.examined,
        pruned: row.pruned,
        last: row.last_at && row.last_id ? { at: row.last_at, id: row.last_id } : after,
      };
    },
  };
}

export type ScheduledTestsRepository = ReturnType<typeof createScheduledTestsRepository>;
