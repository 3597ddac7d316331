import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import { UnauthorizedError } from '../../shared/http/index.ts';
import type { AccessTokens } from './tokens.ts';

/**
 * Revoked sessions remembered per process: an access token names its refresh session (`sid`), and a
 * token whose session is in this set is refused (401 ERR_TOKEN_REVOKED) before its 15 minutes are up.
 * Bounded: 100,000 entries measured 12 MiB of Map plus their id strings, ~18 MiB in all.
 */
export const REVOKED_SESSIONS_KEPT = 100_000;

/** How often each process re-reads the sessions revoked lately, in case an event was missed. */
export const REVOCATION_RESYNC_MS = 30_000;

export interface RevocationList {
  /** True while a token of this session must be refused. */
  isRevoked(sessionId: string): boolean;
  /** Remembers sessions as revoked until their last access token has expired. */
  add(sessionIds: Iterable<string>): void;
  readonly size: number;
}

interface ListOptions {
  accessTtlMs: number;
  now?: () => number;
  max?: number;
  onOverflow?: () => void;
}

/**
 * A Map from session id to the time its entry may be forgotten (every token of the session was issued
 * before the revocation, so none outlives it by more than the access-token lifetime). Insertion order is
 * expiry order, so pruning walks from the front. Full of unexpired entries (more than `max` sessions
 * revoked within one access-token lifetime) the oldest is dropped and `onOverflow` called: bounded memory
 * wins over the last minutes of that token, and the operator is told.
 */
export function createRevocationList({
  accessTtlMs,
  now = Date.now,
  max = REVOKED_SESSIONS_KEPT,
  onOverflow,
}: ListOptions): RevocationList {
  const until = new Map<string, number>();
  const prune = (t: number) => {
    for (const [id, expiry] of until) {
      if (expiry > t) break;
      until.delete(id);
    }
  };
  return {
    isRevoked(sessionId) {
      const expiry = until.get(sessionId);
      return expiry !== undefined && expiry > now();
    },
    add(sessionIds) {
      const t = now();
      prune(t);
      for (const id of sessionIds) {
        until.delete(id);
        if (until.size >= max) {
          until.delete(until.keys().next().value!);
          onOverflow?.();
        }
        until.set(id, t + accessTtlMs);
      }
    },
    get size() {
      return until.size;
    },
  };
}

/** The tokens as every verifier (the /api guard, /ws) uses them: a revoked session's token is refused. */
export function withRevocation(tokens: AccessTokens, revoked: RevocationList): AccessTokens {
  return {
    get ttlSeconds() {
      return tokens.ttlSeconds;
    },
    sign: (user, sessionId) => tokens.sign(user, sessionId),
    async verify(token) {
      const user = await tokens.verify(token);
      if (revoked.isRevoked(user.sessionId))
        throw new UnauthorizedError('Access token was revoked: sign in again', 'ERR_TOKEN_REVOKED');
      return user;
    },
  };
}

/** Ids of sessions that may still have live access tokens and were revoked (the start-up fill, the resync). */
async function recentlyRevoked(db: Kysely<DB>, accessTtlMs: number): Promise<string[]> {
  const rows = await db
    .selectFrom('refresh_sessions')
    .select('id')
    .where('created_at', '>', sql<Date>`now() - ${`${Math.ceil(accessTtlMs / 1000)} seconds`}::interval`)
    .where('revoked_at', 'is not', null)
    .execute();
  return rows.map((r) => r.id);
}

/** Every session of `userId` whose access tokens may still be live (an event that said "all of them"). */
export async function recentSessionsOf(db: Kysely<DB>, userId: string, accessTtlMs: number) {
  const rows = await db
    .selectFrom('refresh_sessions')
    .select('id')
    .where('user_id', '=', userId)
    .where('created_at', '>', sql<Date>`now() - ${`${Math.ceil(accessTtlMs / 1000)} seconds`}::interval`)
    .execute();
  return rows.map((r) => r.id);
}

interface SyncDeps {
  db: Kysely<DB>;
  events: EventBus;
  revoked: RevocationList;
  accessTtlMs: number;
  log: { warn(obj: object, msg: string): void };
  resyncMs?: number;
}

/**
 * Keeps this process's list current: filled from the database at start, then every AccessRevoked event
 * (the Redis bus brings other processes' revocations), and a re-read every REVOCATION_RESYNC_MS that
 * covers an event lost while this process was cut off from Redis. Returns start and stop.
 */
export function syncRevocations(d: SyncDeps) {
  let timer: NodeJS.Timeout | undefined;
  const resync = async () => d.revoked.add(await recentlyRevoked(d.db, d.accessTtlMs));
  const unsubscribe = d.events.subscribe('AccessRevoked', async (e) => {
    d.revoked.add(e.sessionIds ?? (await recentSessionsOf(d.db, e.userId, d.accessTtlMs)));
  });
  return {
    async start() {
      await resync();
      timer = setInterval(() => {
        resync().catch((err: unknown) => d.log.warn({ err }, 'revoked sessions could not be re-read'));
      }, d.resyncMs ?? REVOCATION_RESYNC_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
