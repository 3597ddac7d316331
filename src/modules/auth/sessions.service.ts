import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus, EventMap } from '../../shared/events/index.ts';
import { NotFoundError } from '../../shared/http/index.ts';
import type { RevocationList } from './revocation.ts';
import type { SessionScope, SessionsRepository } from './sessions.repository.ts';

export type RevocationReason = EventMap['AccessRevoked']['reason'];

export interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

interface Deps {
  db: Kysely<DB>;
  sessions: SessionsRepository;
  revoked: RevocationList;
  events: EventBus;
  accessTtlMs: number;
}

/**
 * Revoking sessions: the refresh sessions are revoked in the database, and their access tokens stop
 * working at once — in this process before the call returns, in the others when the AccessRevoked event
 * reaches them (and at the latest at their next re-read, REVOCATION_RESYNC_MS).
 */
export function createSessionControl(d: Deps) {
  async function announce(userId: string, sessionIds: string[], reason: RevocationReason): Promise<void> {
    // 'disabled' is always told: the schedules pause on it, API tokens re-read the account.
    if (!sessionIds.length && reason !== 'disabled') return;
    d.revoked.add(sessionIds);
    await d.events.publish('AccessRevoked', { userId, sessionIds, reason });
  }

  return {
    announce,

    /** Revokes within the caller's transaction; call `announce` with the ids once it has committed. */
    revokeIn(trx: Kysely<DB>, userId: string, scope: SessionScope, reason: RevocationReason) {
      return d.sessions.revoke(trx, userId, scope, reason, d.accessTtlMs);
    },

    /** Revokes in a transaction of its own and announces it; the number of sign-ins revoked. */
    async revoke(userId: string, scope: SessionScope, reason: RevocationReason): Promise<number> {
      const { families, sessionIds } = await d.db
        .transaction()
        .execute((trx) => d.sessions.revoke(trx, userId, scope, reason, d.accessTtlMs));
      await announce(userId, sessionIds, reason);
      return families;
    },
  };
}

export type SessionControl = ReturnType<typeof createSessionControl>;

/** GET /api/auth/sessions, DELETE /api/auth/sessions/:id, POST /api/auth/logout-all. */
export function createSessionsService(d: { sessions: SessionsRepository; control: SessionControl }) {
  return {
    async list(userId: string, currentSessionId: string): Promise<{ items: SessionView[] }> {
      const rows = await d.sessions.list(userId, currentSessionId);
      return {
        items: rows.map((r) => ({
          id: r.family_id,
          createdAt: new Date(r.created_at).toISOString(),
          lastUsedAt: new Date(r.last_used_at).toISOString(),
          ip: r.ip,
          userAgent: r.user_agent,
          current: r.current,
        })),
      };
    },

    /** Another user's session, or one already ended, is a 404. */
    async remove(userId: string, familyId: string): Promise<void> {
      const n = await d.control.revoke(userId, { kind: 'family', familyId }, 'session-deleted');
      if (!n) throw new NotFoundError(`No session ${familyId}`);
    },

    async logoutAll(userId: string): Promise<void> {
      await d.control.revoke(userId, { kind: 'all' }, 'logout-all');
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
