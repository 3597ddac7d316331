import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { RefreshSessionsTable } from '../../shared/db/schema.ts';

export type SessionRow = Selectable<RefreshSessionsTable>;

export interface NewSession {
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export function createSessionRepository(db: Kysely<DB>) {
  return {
    async create(s: NewSession, trx: Kysely<DB> = db): Promise<SessionRow> {
      return trx
        .insertInto('refresh_sessions')
        .values({
          user_id: s.userId,
          family_id: s.familyId,
          token_hash: s.tokenHash,
          expires_at: s.expiresAt,
          user_agent: s.userAgent?.slice(0, 512) ?? null,
          ip: s.ip,
          // A session is used when it is issued: at sign-in and at each refresh (not per request).
          last_used_at: sql`now()`,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    findByTokenHash(tokenHash: string): Promise<SessionRow | undefined> {
      return db
        .selectFrom('refresh_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
    },

    /** Marks a live session rotated; false when another request rotated or revoked it first. */
    async markRotated(id: string, trx: Kysely<DB> = db): Promise<boolean> {
      const result = await trx
        .updateTable('refresh_sessions')
        .set({ rotated_at: sql`now()` })
        .where('id', '=', id)
        .where('rotated_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    /** Revokes a successor that was never used (its response was lost); false if it was used meanwhile. */
    async supersede(id: string): Promise<boolean> {
      const result = await db
        .updateTable('refresh_sessions')
        .set({ revoked_at: sql`now()`, revoked_reason: 'superseded' })
        .where('id', '=', id)
        .where('rotated_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async setReplacedBy(id: string, replacedBy: string, trx: Kysely<DB> = db): Promise<void> {
      await trx
        .updateTable('refresh_sessions')
        .set({ replaced_by: replacedBy })
        .where('id', '=', id)
        .execute();
    },

    async revokeFamily(familyId: string, reason: string): Promise<void> {
      await db
        .updateTable('refresh_sessions')
        .set({ revoked_at: sql`now()`, revoked_reason: reason })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    /** Revokes the session and its whole family, but only when it belongs to `userId`. */
    async revokeOwnFamily(userId: string, sessionId: string, reason: string): Promise<void> {
      await db
        .updateTable('refresh_sessions')
        .set({ revoked_at: sql`now()`, revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where(
          'family_id',
          'in',
          db
            .selectFrom('refresh_sessions')
            .select('family_id')
            .where('id', '=', sessionId)
            .where('user_id', '=', userId),
        )
        .execute();
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;
