import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AccountTokenPurpose, DB } from '../../../shared/db/index.ts';
import type { AccountTokensTable } from '../../../shared/db/schema.ts';

export type AccountTokenRow = Selectable<AccountTokensTable>;

/** 256 random bits, base64url: the secret of an e-mail link. Only its SHA-256 is stored. */
export function newAccountToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashAccountToken(token) };
}

export function hashAccountToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Single-use e-mail links (account_tokens): issue, find, spend. Owner-scoped by the token itself. */
export function createAccountTokenRepository(db: Kysely<DB>) {
  return {
    /** A new link for `purpose`; the user's earlier unused links of that purpose stop working. */
    async issue(
      input: { userId: string; purpose: AccountTokenPurpose; email: string; expiresAt: Date },
      trx: Kysely<DB> = db,
    ): Promise<string> {
      const { token, hash } = newAccountToken();
      await trx
        .updateTable('account_tokens')
        .set({ used_at: sql`now()` })
        .where('user_id', '=', input.userId)
        .where('purpose', '=', input.purpose)
        .where('used_at', 'is', null)
        .execute();
      await trx
        .insertInto('account_tokens')
        .values({
          user_id: input.userId,
          purpose: input.purpose,
          token_hash: hash,
          email: input.email,
          expires_at: input.expiresAt,
        })
        .execute();
      return token;
    },

    /** The unused, unexpired link of one of `purposes` with this token, if any. */
    findUsable(
      token: string,
      purposes: AccountTokenPurpose[],
      now: Date,
    ): Promise<AccountTokenRow | undefined> {
      return db
        .selectFrom('account_tokens')
        .selectAll()
        .where('token_hash', '=', hashAccountToken(token))
        .where('purpose', 'in', purposes)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
    },

    /** Spends the link; false when another request spent it first (single use under concurrency). */
    async spend(id: string, trx: Kysely<DB>): Promise<boolean> {
      const r = await trx
        .updateTable('account_tokens')
        .set({ used_at: sql`now()` })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    /** Every unused link of the user for `purpose` stops working (after a reset, a verification). */
    async spendAll(userId: string, purpose: AccountTokenPurpose, trx: Kysely<DB>): Promise<void> {
      await trx
        .updateTable('account_tokens')
        .set({ used_at: sql`now()` })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .execute();
    },
  };
}

export type AccountTokenRepository = ReturnType<typeof createAccountTokenRepository>;
