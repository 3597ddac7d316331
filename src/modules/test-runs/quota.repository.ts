import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';

/**
 * One UTC day as the quota sees it, computed from the service's clock: `day` is 'YYYY-MM-DD' (compared
 * with `warned_day` in SQL, never read back into a JS Date), `start` and `end` bound `created_at`.
 */
export interface QuotaDay {
  day: string;
  start: Date;
  end: Date;
}

const FOREIGN_KEY_VIOLATION = '23503';

/** SQL on user_quotas and the per-day count of a user's tests (test_queue_user_id_idx). */
export function createQuotaRepository(db: Kysely<DB>) {
  return {
    /** The admin's override for a user (null: none, the default applies). */
    async getOverride(userId: string): Promise<number | null> {
      const row = await db
        .selectFrom('user_quotas')
        .select('daily_test_quota')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.daily_test_quota ?? null;
    },

    /**
     * Creates the user's row if needed and locks it until `trx` ends, so concurrent submissions of one
     * user count and insert one at a time. Returns the override.
     */
    async lock(trx: Kysely<DB>, userId: string): Promise<number | null> {
      await trx
        .insertInto('user_quotas')
        .values({ user_id: userId })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      const row = await trx
        .selectFrom('user_quotas')
        .select('daily_test_quota')
        .where('user_id', '=', userId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      return row.daily_test_quota;
    },

    /** Tests the user created during `day` (every status: cancelled and failed ones count too). */
    async countCreated(userId: string, day: QuotaDay, trx: Kysely<DB> = db): Promise<number> {
      const row = await trx
        .selectFrom('test_queue')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('created_at', '>=', sql<Date>`${day.start.toISOString()}::timestamptz`)
        .where('created_at', '<', sql<Date>`${day.end.toISOString()}::timestamptz`)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Records today's warning; true only for the first caller of the day (the one that must publish it). */
    async markWarned(trx: Kysely<DB>, userId: string, day: string): Promise<boolean> {
      const row = await trx
        .updateTable('user_quotas')
        .set({ warned_day: sql<string>`${day}::date`, updated_at: sql`now()` })
        .where('user_id', '=', userId)
        .where(sql<boolean>`warned_day IS DISTINCT FROM ${day}::date`)
        .returning('user_id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Sets (or, with null, clears) the override; false when there is no such user. */
    async setOverride(userId: string, quota: number | null): Promise<boolean> {
      try {
        await db
          .insertInto('user_quotas')
          .values({ user_id: userId, daily_test_quota: quota })
          .onConflict((oc) =>
            oc.column('user_id').doUpdateSet({ daily_test_quota: quota, updated_at: sql`now()` }),
          )
          .execute();
        return true;
      } catch (err) {
        // The account was deleted between the service's check and this write.
        if ((err as { code?: string }).code === FOREIGN_KEY_VIOLATION) return false;
        throw err;
      }
    },
  };
}

export type QuotaRepository = ReturnType<typeof createQuotaRepository>;
