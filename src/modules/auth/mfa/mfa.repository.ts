import { sql, type Kysely } from 'kysely';
import type { DB } from '../../../shared/db/index.ts';
import type { UserRow } from '../user.repository.ts';

/** The users' MFA columns and their backup codes (docs/MFA.md). Every statement is scoped to one user. */
export function createMfaRepository(db: Kysely<DB>) {
  return {
    getUser(id: string): Promise<UserRow | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Stores a new pending secret (setup); false when MFA is already on. */
    async setPendingSecret(userId: string, sealed: string): Promise<boolean> {
      const r = await db
        .updateTable('users')
        .set({ mfa_pending_secret_encrypted: sealed, updated_at: sql`now()` })
        .where('id', '=', userId)
        .where('mfa_enabled', '=', false)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    /**
     * The pending secret (sealed as `pending`) becomes the account's, stored as `sealed` (re-sealed when
     * `pending` was under an earlier key); false when setup ran again meanwhile or MFA is on.
     */
    async enable(userId: string, pending: string, sealed: string, trx: Kysely<DB>): Promise<boolean> {
      const r = await trx
        .updateTable('users')
        .set({
          mfa_enabled: true,
          mfa_secret_encrypted: sealed,
          mfa_pending_secret_encrypted: null,
          updated_at: sql`now()`,
        })
        .where('id', '=', userId)
        .where('mfa_enabled', '=', false)
        .where('mfa_pending_secret_encrypted', '=', pending)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async disable(userId: string, trx: Kysely<DB>): Promise<void> {
      await trx
        .updateTable('users')
        .set({
          mfa_enabled: false,
          mfa_secret_encrypted: null,
          mfa_pending_secret_encrypted: null,
          mfa_last_step: null,
          updated_at: sql`now()`,
        })
        .where('id', '=', userId)
        .execute();
      await trx.deleteFrom('mfa_backup_codes').where('user_id', '=', userId).execute();
    },

    /**
     * Records `step` as the last accepted one, only if it is later than the last: the replay guard. One
     * conditional UPDATE, so of two requests with the same code exactly one passes (PostgreSQL re-checks
     * the condition after the first commits).
     */
    async claimStep(userId: string, step: number, trx: Kysely<DB>): Promise<boolean> {
      const r = await trx
        .updateTable('users')
        .set({ mfa_last_step: step })
        .where('id', '=', userId)
        .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    /** Re-seals the secret under the current key, unless it changed meanwhile. */
    async reseal(userId: string, from: string, to: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ mfa_secret_encrypted: to })
        .where('id', '=', userId)
        .where('mfa_secret_encrypted', '=', from)
        .execute();
    },

    /** Replaces every backup code of the account (enable, regenerate). */
    async replaceBackupCodes(userId: string, hashes: string[], trx: Kysely<DB>): Promise<void> {
      await trx.deleteFrom('mfa_backup_codes').where('user_id', '=', userId).execute();
      await trx
        .insertInto('mfa_backup_codes')
        .values(hashes.map((code_hash) => ({ user_id: userId, code_hash })))
        .execute();
    },

    /** Marks an unused backup code of the account used; false when there is none with that hash. */
    async useBackupCode(userId: string, hash: string, trx: Kysely<DB>): Promise<boolean> {
      const r = await trx
        .updateTable('mfa_backup_codes')
        .set({ used_at: sql`now()` })
        .where('user_id', '=', userId)
        .where('code_hash', '=', hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async unusedBackupCodes(userId: string): Promise<number> {
      const row = await db
        .selectFrom('mfa_backup_codes')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type MfaRepository = ReturnType<typeof createMfaRepository>;
