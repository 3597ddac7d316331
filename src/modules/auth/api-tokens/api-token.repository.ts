import type { Kysely } from 'kysely';
import type { DB } from '../../../shared/db/index.ts';
import type { Role } from '../../../shared/http/index.ts';

export interface ApiTokenRow {
  id: string;
  name: string;
  tokenPrefix: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}

/** What a request with a token needs, in one indexed lookup (token_hash is UNIQUE): the user's role is read now. */
export interface ApiTokenCredential {
  id: string;
  userId: string;
  scopes: string[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  role: Role;
  disabledAt: Date | null;
}

export interface NewApiToken {
  userId: string;
  name: string;
  tokenHash: string;
  tokenPrefix: string;
  scopes: string[];
  expiresAt: Date | null;
}

const LISTED = [
  'id',
  'name',
  'token_prefix as tokenPrefix',
  'scopes',
  'created_at as createdAt',
  'expires_at as expiresAt',
  'last_used_at as lastUsedAt',
] as const;

/** SQL on api_tokens; every query but the lookup by hash is scoped to its owner. */
export function createApiTokenRepository(db: Kysely<DB>) {
  return {
    async insert(token: NewApiToken): Promise<ApiTokenRow> {
      return db
        .insertInto('api_tokens')
        .values({
          user_id: token.userId,
          name: token.name,
          token_hash: token.tokenHash,
          token_prefix: token.tokenPrefix,
          scopes: token.scopes,
          expires_at: token.expiresAt,
        })
        .returning(LISTED)
        .executeTakeFirstOrThrow();
    },

    /** Live tokens (not revoked, not expired at `now`), newest first. */
    async listLive(userId: string, now: Date): Promise<ApiTokenRow[]> {
      return db
        .selectFrom('api_tokens')
        .select(LISTED)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
    },

    async countLive(userId: string, now: Date): Promise<number> {
      const row = await db
        .selectFrom('api_tokens')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Marks the owner's token revoked; false when there is no such live token of theirs. */
    async revoke(userId: string, id: string, now: Date): Promise<boolean> {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async findByHash(tokenHash: string): Promise<ApiTokenCredential | undefined> {
      return db
        .selectFrom('api_tokens as t')
        .innerJoin('users as u', 'u.id', 't.user_id')
        .select([
          't.id',
          't.user_id as userId',
          't.scopes',
          't.expires_at as expiresAt',
          't.last_used_at as lastUsedAt',
          't.revoked_at as revokedAt',
          'u.role',
          'u.disabled_at as disabledAt',
        ])
        .where('t.token_hash', '=', tokenHash)
        .executeTakeFirst();
    },

    async touch(id: string, at: Date): Promise<void> {
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}

export type ApiTokenRepository = ReturnType<typeof createApiTokenRepository>;
