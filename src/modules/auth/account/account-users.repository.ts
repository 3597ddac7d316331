import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../shared/db/index.ts';

/** The account fields the e-mail and password flows change (users table, by id). */
export function createAccountUserRepository(db: Kysely<DB>) {
  return {
    /** Marks the address verified if it is still the account's address; false otherwise. */
    async verifyEmail(userId: string, email: string, trx: Kysely<DB> = db): Promise<boolean> {
      const r = await trx
        .updateTable('users')
        .set({ email_verified_at: sql`coalesce(email_verified_at, now())`, updated_at: sql`now()` })
        .where('id', '=', userId)
        .where(sql<string>`lower(email)`, '=', email.toLowerCase())
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async setPassword(userId: string, passwordHash: string, trx: Kysely<DB> = db): Promise<void> {
      await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, password_changed_at: sql`now()`, updated_at: sql`now()` })
        .where('id', '=', userId)
        .execute();
    },

    /** The new address, verified; false when another account holds it (the unique index decides). */
    async changeEmail(userId: string, email: string, trx: Kysely<DB>): Promise<boolean> {
      const taken = await trx
        .selectFrom('users')
        .select('id')
        .where(sql<string>`lower(email)`, '=', email.toLowerCase())
        .where('id', '!=', userId)
        .executeTakeFirst();
      if (taken) return false;
      try {
        await trx
          .updateTable('users')
          .set({ email: email.toLowerCase(), email_verified_at: sql`now()`, updated_at: sql`now()` })
          .where('id', '=', userId)
          .execute();
        return true;
      } catch (err) {
        // Another account took the address between the check and the update (users_email_key).
        if ((err as { code?: string }).code === '23505') return false;
        throw err;
      }
    },

    async emailTaken(email: string): Promise<boolean> {
      const row = await db
        .selectFrom('users')
        .select('id')
        .where(sql<string>`lower(email)`, '=', email.toLowerCase())
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type AccountUserRepository = ReturnType<typeof createAccountUserRepository>;
