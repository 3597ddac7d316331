import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';

/** Which of a user's sessions a revocation takes. */
export type SessionScope =
  | { kind: 'all' }
  /** The sign-in (family) the session `sessionId` belongs to. */
  | { kind: 'family-of'; sessionId: string }
  /** Every sign-in but the one `sessionId` belongs to. */
  | { kind: 'all-but-family-of'; sessionId: string }
  | { kind: 'family'; familyId: string };

export interface SessionListRow {
  family_id: string;
  created_at: Date;
  last_used_at: Date;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

/** The live sign-ins of a user as GET /api/auth/sessions lists them (at most this many, newest first). */
export const SESSIONS_LISTED = 200;

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} seconds`;

/** Owner-scoped SQL on refresh_sessions for the sessions list and revocations (docs/AUTH.md). */
export function createSessionsRepository(db: Kysely<DB>) {
  const familyOf = (userId: string, sessionId: string) =>
    db
      .selectFrom('refresh_sessions')
      .select('family_id')
      .where('id', '=', sessionId)
      .where('user_id', '=', userId);

  return {
    /** Each sign-in's live head: its first row's time, its last refresh, where that came from. */
    async list(userId: string, currentSessionId: string): Promise<SessionListRow[]> {
      const rows = await db
        .selectFrom('refresh_sessions as h')
        .select((eb) => [
          'h.family_id',
          'h.ip',
          'h.user_agent',
          sql<Date>`coalesce(h.last_used_at, h.created_at)`.as('last_used_at'),
          eb
            .selectFrom('refresh_sessions as f')
            .select((f) => f.fn.min('f.created_at').as('first'))
            .whereRef('f.family_id', '=', 'h.family_id')
            .as('created_at'),
          sql<boolean>`h.family_id IN (${familyOf(userId, currentSessionId)})`.as('current'),
        ])
        .where('h.user_id', '=', userId)
        .where('h.revoked_at', 'is', null)
        .where('h.rotated_at', 'is', null)
        .where('h.expires_at', '>', sql<Date>`now()`)
        .orderBy('h.created_at', 'desc')
        .limit(SESSIONS_LISTED)
        .execute();
      return rows.map((r) => ({ ...r, created_at: r.created_at ?? r.last_used_at })) as SessionListRow[];
    },

    /**
     * In `trx`: locks the user's row (a refresh holds it shared, so a rotation either finishes before the
     * revocation and its new row is revoked too, or sees its session revoked), revokes the sessions of
     * `scope`, and returns the ids of every session of the revoked sign-ins that may still have a live
     * access token (created within `accessTtlMs`), and how many sign-ins were revoked.
     */
    async revoke(
      trx: Kysely<DB>,
      userId: string,
      scope: SessionScope,
      reason: string,
      accessTtlMs: number,
    ): Promise<{ families: number; sessionIds: string[] }> {
      await sql`SELECT id FROM users WHERE id = ${userId} FOR UPDATE`.execute(trx);
      let update = trx
        .updateTable('refresh_sessions')
        .set({ revoked_at: sql`now()`, revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (scope.kind === 'family') update = update.where('family_id', '=', scope.familyId);
      if (scope.kind === 'family-of')
        update = update.where('family_id', 'in', familyOf(userId, scope.sessionId));
      if (scope.kind === 'all-but-family-of')
        update = update.where('family_id', 'not in', familyOf(userId, scope.sessionId));
      const revoked = await update.returning('family_id').execute();
      const families = [...new Set(revoked.map((r) => r.family_id))];
      if (!families.length) return { families: 0, sessionIds: [] };
      const recent = await trx
        .selectFrom('refresh_sessions')
        .select('id')
        .where('user_id', '=', userId)
        .where('family_id', 'in', families)
        .where('created_at', '>', sql<Date>`now() - ${seconds(accessTtlMs)}::interval`)
        .execute();
      return { families: families.length, sessionIds: recent.map((r) => r.id) };
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
