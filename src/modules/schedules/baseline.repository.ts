import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';

/** SQL on schedule_baselines: the rolling window of each metric of a schedule. */
export function createBaselineRepository(db: Kysely<DB>) {
  return {
    /** The windows of `metrics` (oldest value first); a metric without one is absent. */
    async load(scheduleId: string, metrics: string[]): Promise<Map<string, number[]>> {
      if (!metrics.length) return new Map();
      const rows = await db
        .selectFrom('schedule_baselines')
        .select(['metric', 'samples'])
        .where('schedule_id', '=', scheduleId)
        .where('metric', 'in', metrics)
        .execute();
      return new Map(rows.map((r) => [r.metric, r.samples.map(Number)]));
    },

    /**
     * Appends one run's values to their windows, keeping the last `window` of each: one statement, atomic
     * per row, so two results stored at once both get in.
     */
    async push(scheduleId: string, values: Array<[string, number]>, window: number): Promise<void> {
      const names = values.map(([name]) => name);
      const numbers = values.map(([, v]) => v);
      await sql`
        INSERT INTO schedule_baselines (schedule_id, metric, samples, runs, updated_at)
        SELECT ${scheduleId}::uuid, m.metric, ARRAY[m.value], 1, now()
        FROM unnest(${names}::text[], ${numbers}::double precision[]) AS m(metric, value)
        ON CONFLICT (schedule_id, metric) DO UPDATE SET
          samples = (schedule_baselines.samples || EXCLUDED.samples)[greatest(1, cardinality(schedule_baselines.samples) + 2 - ${window}):],
          runs = schedule_baselines.runs + 1,
          updated_at = now()`.execute(db);
    },

    /** Forgets a schedule's baselines (its definition changed: earlier runs measured something else). */
    async clear(scheduleId: string, trx: Kysely<DB> = db): Promise<void> {
      await trx.deleteFrom('schedule_baselines').where('schedule_id', '=', scheduleId).execute();
    },
  };
}

export type BaselineRepository = ReturnType<typeof createBaselineRepository>;
