import type { FastifyBaseLogger } from 'fastify';
import type { EventBus } from '../../../shared/events/index.ts';
import { NotFoundError, ValidationError, type AuthUser } from '../../../shared/http/index.ts';
import { displayPrefix, hashApiToken, isWellFormedApiToken, newApiToken } from './api-token-format.ts';
import { AdminScopeError, TokenLimitError, apiTokenUnauthorized } from './api-token-errors.ts';
import type { ApiTokenCredential, ApiTokenRepository, ApiTokenRow } from './api-token.repository.ts';
import { createCredentialCache } from './credential-cache.ts';
import { MAX_TOKEN_LIFETIME_DAYS, type ApiTokenView, type CreateApiTokenBody } from './api-token.schemas.ts';

/** last_used_at is written at most this often per token (per process; the row's own value across processes). */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;
/** Tokens whose last write this process remembers (oldest forgotten first): a few hundred KiB at most. */
const TOUCHES_KEPT = 10_000;

export interface ApiTokenServiceDeps {
  repo: ApiTokenRepository;
  maxPerUser: number;
  events: EventBus;
  log: FastifyBaseLogger;
  now?: () => number;
}

function view(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.tokenPrefix,
    scopes: row.scopes,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

function expiry(given: string | undefined, now: number): Date | null {
  if (given === undefined) return null;
  const at = new Date(given);
  const field = '/body/expiresAt';
  if (!(at.getTime() > now))
    throw new ValidationError(`${field} must be in the future`, [
      { field, message: 'must be in the future' },
    ]);
  if (at.getTime() > now + MAX_TOKEN_LIFETIME_DAYS * DAY_MS) {
    const message = `must be at most ${MAX_TOKEN_LIFETIME_DAYS} days ahead`;
    throw new ValidationError(`${field} ${message}`, [{ field, message }]);
  }
  return at;
}

export function createApiTokenService({
  repo,
  maxPerUser,
  events,
  log,
  now = () => Date.now(),
}: ApiTokenServiceDeps) {
  const touched = new Map<string, number>();
  const cache = createCredentialCache(now);

  async function lookup(hash: string): Promise<ApiTokenCredential | undefined> {
    const cached = cache.get(hash);
    if (cached) return cached;
    const found = await repo.findByHash(hash);
    if (found && !found.revokedAt) cache.set(hash, found);
    return found;
  }

  /** Throttled and off the request's path: a failed write is logged, never fails the request. */
  function touch(id: string, lastUsedAt: Date | null, at: number): void {
    const last = Math.max(lastUsedAt?.getTime() ?? 0, touched.get(id) ?? 0);
    if (at - last < LAST_USED_WRITE_INTERVAL_MS) return;
    touched.delete(id);
    if (touched.size >= TOUCHES_KEPT) touched.delete(touched.keys().next().value!);
    touched.set(id, at);
    repo
      .touch(id, new Date(at))
      .catch((err: unknown) => log.warn({ err, tokenId: id }, 'api token last-used update failed'));
  }

  return {
    async create(user: AuthUser, body: CreateApiTokenBody): Promise<ApiTokenView & { token: string }> {
      const at = now();
      const name = body.name.trim();
      if (!name)
        throw new ValidationError('/body/name must not be blank', [
          { field: '/body/name', message: 'must not be blank' },
        ]);
      if (body.scopes.includes('admin') && user.role !== 'admin') throw new AdminScopeError();
      const expiresAt = expiry(body.expiresAt, at);
      if ((await repo.countLive(user.id, new Date(at))) >= maxPerUser) throw new TokenLimitError(maxPerUser);
      const token = newApiToken();
      const row = await repo.insert({
        userId: user.id,
        name,
        tokenHash: hashApiToken(token),
        tokenPrefix: displayPrefix(token),
        scopes: [...body.scopes],
        expiresAt,
      });
      log.info({ userId: user.id, tokenId: row.id, scopes: row.scopes }, 'api token created');
      return { ...view(row), token };
    },

    async list(userId: string): Promise<ApiTokenView[]> {
      return (await repo.listLive(userId, new Date(now()))).map(view);
    },

    async revoke(userId: string, id: string): Promise<void> {
      if (!(await repo.revoke(userId, id, new Date(now()))))
        throw new NotFoundError('No such API token of yours');
      cache.forgetToken(id);
      await events.publish('ApiTokenRevoked', { userId, tokenId: id });
      log.info({ userId, tokenId: id }, 'api token revoked');
    },

    /** Called on events from every process: a revoked token, or any revocation of a user's access. */
    forgetToken: cache.forgetToken,
    forgetUser: cache.forgetUser,

    /**
     * The caller a `tw_` bearer stands for: looked up by hash (one indexed row with the user's role and
     * disabled state), remembered for CREDENTIAL_CACHE_TTL_MS unless an event evicts it first; expiry is
     * checked on every call. The role is admin only while the user is an admin and the token has the
     * `admin` scope.
     */
    async verify(token: string): Promise<AuthUser> {
      if (!isWellFormedApiToken(token)) throw apiTokenUnauthorized.invalid();
      const found = await lookup(hashApiToken(token));
      if (!found || found.revokedAt) throw apiTokenUnauthorized.invalid();
      const at = now();
      if (found.expiresAt && found.expiresAt.getTime() <= at) throw apiTokenUnauthorized.expired();
      if (found.disabledAt) throw apiTokenUnauthorized.disabled();
      touch(found.id, found.lastUsedAt, at);
      return {
        id: found.userId,
        role: found.role === 'admin' && found.scopes.includes('admin') ? 'admin' : 'user',
        // A token is its own session: its id stands where a JWT's refresh-session id would.
        sessionId: found.id,
        apiToken: { id: found.id, scopes: found.scopes, expiresAt: found.expiresAt?.getTime() ?? null },
      };
    },
  };
}

export type ApiTokenService = ReturnType<typeof createApiTokenService>;
