import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../../shared/db/index.ts';
import type { LoginChallengesTable } from '../../../shared/db/schema.ts';

export type ChallengeRow = Selectable<LoginChallengesTable>;

/**
 * login_challenges of kind 'mfa': a sign-in between its first factor and the second. Only the SHA-256 of
 * the token is stored. Times come from the service's clock, so tests can move it.
 */
export function createMfaChallengeRepository(db: Kysely<DB>) {
  return {
    async create(c: { userId: string; tokenHash: string; meta: object; expiresAt: Date; now: Date }) {
      // The account's finished or stale challenges go as a new one comes: the table stays small.
      await db
        .deleteFrom('login_challenges')
        .where('user_id', '=', c.userId)
        .where('kind', '=', 'mfa')
        .where((eb) => eb.or([eb('used_at', 'is not', null), eb('expires_at', '<=', c.now)]))
        .execute();
      await db
        .insertInto('login_challenges')
        .values({
          user_id: c.userId,
          kind: 'mfa',
          token_hash: c.tokenHash,
          meta: JSON.stringify(c.meta),
          expires_at: c.expiresAt,
        })
        .execute();
    },

    find(tokenHash: string): Promise<ChallengeRow | undefined> {
      return db
        .selectFrom('login_challenges')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('kind', '=', 'mfa')
        .executeTakeFirst();
    },

    /** Uses the challenge up; false when another request used it first or it expired. */
    async claim(id: string, now: Date, trx: Kysely<DB>): Promise<boolean> {
      const r = await trx
        .updateTable('login_challenges')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('kind', '=', 'mfa')
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async countFailure(id: string): Promise<void> {
      await db
        .updateTable('login_challenges')
        .set({ failed_attempts: sql`failed_attempts + 1` })
        .where('id', '=', id)
        .execute();
    },

    /** MFA was turned off: a sign-in waiting for its second factor must start again. */
    async dropForUser(userId: string, trx: Kysely<DB>): Promise<void> {
      await trx
        .deleteFrom('login_challenges')
        .where('user_id', '=', userId)
        .where('kind', '=', 'mfa')
        .execute();
    },
  };
}

export type MfaChallengeRepository = ReturnType<typeof createMfaChallengeRepository>;
