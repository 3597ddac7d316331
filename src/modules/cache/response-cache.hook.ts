import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { cacheKeys, cacheTags } from './cache-keys.ts';
import type { CacheService } from './cache.service.ts';

/** A route opts in with `config: { responseCache: true }` or with options. */
export interface ResponseCacheOptions {
  /** Defaults to CACHE_TTL_API_RESPONSE. */
  ttlMs?: number;
  /** Extra tags, e.g. `cacheTags.test(id)`, so events about that thing drop the response. */
  tags?: (request: FastifyRequest) => string[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    responseCache?: boolean | ResponseCacheOptions;
  }
}

interface CachedResponse {
  body: string;
  contentType: string;
}

interface Pending {
  key: string;
  since: number;
  store: boolean;
  ttlMs: number | undefined;
  tags: string[];
}

/** Query parameters sorted by name (values of a repeated name keep their order), so `?b=1&a=2` = `?a=2&b=1`. */
export function normalizeQuery(search: string): string {
  const params = [...new URLSearchParams(search)];
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new URLSearchParams(params).toString();
}

/** `api:GET:{path}:{hash}`: the hash covers the user, their role and the normalized query. */
export function responseCacheKey(request: FastifyRequest): string {
  const [path = '/', search = ''] = request.url.split('?', 2);
  const who = request.user ? `${request.user.id}/${request.user.role}` : 'anonymous';
  const hash = createHash('sha256').update(`${who}\n${normalizeQuery(search)}`).digest('base64url').slice(0, 32);
  return cacheKeys.apiResponse(request.method, path, hash);
}

function bypass(request: FastifyRequest): { read: boolean; store: boolean } {
  const cc = String(request.headers['cache-control'] ?? '').toLowerCase();
  const noStore = cc.includes('no-store');
  const noCache = noStore || cc.includes('no-cache') || request.headers.pragma === 'no-cache';
  return { read: !noCache, store: !noStore };
}

/**
 * The response cache for GET routes that opt in. A hit is answered before the handler runs, with
 * `X-Cache: HIT`; a miss runs the handler and stores its body if the status is 200. `Cache-Control:
 * no-cache` from the client skips the lookup (the fresh response replaces the entry); `no-store` also
 * skips storing. Entries are tagged with the user, so a user's responses can be dropped together.
 */
export function registerResponseCache(app: FastifyInstance, cache: CacheService): void {
  const pending = new WeakMap<FastifyRequest, Pending>();

  app.addHook('preHandler', async (request, reply) => {
    const option = request.routeOptions.config?.responseCache;
    if (!option || request.method !== 'GET') return;
    const opts = option === true ? {} : option;
    const key = responseCacheKey(request);
    const mode = bypass(request);
    const tags = [...(request.user ? [cacheTags.user(request.user.id)] : []), ...(opts.tags?.(request) ?? [])];
    pending.set(request, { key, since: cache.position(), store: mode.store, ttlMs: opts.ttlMs, tags });
    reply.header('x-cache', 'MISS');
    if (!mode.read) return;
    const hit = await cache.get<CachedResponse>(key);
    if (!hit) return;
    pending.delete(request);
    return reply.header('x-cache', 'HIT').type(hit.contentType).send(hit.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const p = pending.get(request);
    if (!p) return payload;
    pending.delete(request);
    if (p.store && reply.statusCode === 200 && typeof payload === 'string') {
      const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
      // Not awaited: storing must not delay the response, and set() never throws.
      void cache.set<CachedResponse>(p.key, { body: payload, contentType }, { ttlMs: p.ttlMs, tags: p.tags, ifUnchangedSince: p.since });
    }
    return payload;
  });
}
