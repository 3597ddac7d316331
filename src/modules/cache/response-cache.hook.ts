import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { cacheKeys, cacheTags } from './cache-keys.ts';
import type { CacheService } from './cache.service.ts';

/** How a route caches its responses (see `cachedResponse`). */
export interface ResponseCacheOptions {
  /** Defaults to CACHE_TTL_API_RESPONSE. */
  ttlMs?: number;
  /** Extra tags, e.g. `cacheTags.test(id)`, so events about that thing drop the response. */
  tags?: (request: FastifyRequest) => string[];
}

/**
 * A route's opt-in, made only by `cachedResponse` (the private field makes the type nominal, so a bare
 * `responseCache: true` does not type-check): making one checks that the cache's onRoute hook exists.
 */
export class ResponseCacheOptIn {
  #attached = false;
  constructor(readonly options: ResponseCacheOptions) {}
  get attached(): boolean {
    return this.#attached;
  }
  markAttached(): void {
    this.#attached = true;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    responseCache?: ResponseCacheOptIn;
  }
}

/** Per app: the opt-ins made but not yet attached to a route (checked once the app is ready). */
const REGISTRY = Symbol('testweb.responseCache');
type Registry = Set<ResponseCacheOptIn>;

/**
 * Opts a GET route into the response cache: `config: { responseCache: cachedResponse(app, { tags }) }`.
 * Throws when the cache module is not registered yet: its onRoute hook only sees routes registered after
 * it, so such a route would silently never be cached.
 */
export function cachedResponse(app: FastifyInstance, options: ResponseCacheOptions = {}): ResponseCacheOptIn {
  if (!app.hasDecorator(REGISTRY)) {
    throw new Error(
      'cachedResponse(): the cache module is not registered yet, so this route would never be cached. Register cacheModule(...) before the modules whose routes opt in (src/app.ts).',
    );
  }
  const optIn = new ResponseCacheOptIn(options);
  app.getDecorator<Registry>(REGISTRY).add(optIn);
  return optIn;
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
  const hash = createHash('sha256')
    .update(`${who}\n${normalizeQuery(search)}`)
    .digest('base64url')
    .slice(0, 32);
  return cacheKeys.apiResponse(request.method, path, hash);
}

/**
 * What the client's request headers allow: `Cache-Control: no-cache` (or `Pragma: no-cache`) skips the
 * lookup (`fresh`), `no-store` also skips storing. Shared by the response cache and the result cache.
 */
export function cacheDirectives(headers: FastifyRequest['headers']): { fresh: boolean; store: boolean } {
  const cc = String(headers['cache-control'] ?? '').toLowerCase();
  const noStore = cc.includes('no-store');
  return { fresh: noStore || cc.includes('no-cache') || headers.pragma === 'no-cache', store: !noStore };
}

const asArray = <T>(hook: T | T[] | undefined): T[] =>
  hook === undefined ? [] : Array.isArray(hook) ? hook : [hook];

/** The route-level hooks of one opting-in route: lookup before the handler, store after it. */
function routeHooks(cache: CacheService, opts: ResponseCacheOptions) {
  const pending = new WeakMap<FastifyRequest, Pending>();
  async function responseCacheLookup(request: FastifyRequest, reply: FastifyReply) {
    if (request.method !== 'GET') return;
    const key = responseCacheKey(request);
    const mode = cacheDirectives(request.headers);
    const tags = [
      ...(request.user ? [cacheTags.user(request.user.id)] : []),
      ...(opts.tags?.(request) ?? []),
    ];
    pending.set(request, { key, since: cache.position(), store: mode.store, ttlMs: opts.ttlMs, tags });
    reply.header('x-cache', 'MISS');
    if (mode.fresh) return;
    const hit = await cache.get<CachedResponse>(key);
    if (!hit) return;
    pending.delete(request);
    return reply.header('x-cache', 'HIT').type(hit.contentType).send(hit.body);
  }
  async function responseCacheStore(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const p = pending.get(request);
    if (!p) return payload;
    pending.delete(request);
    if (p.store && reply.statusCode === 200 && typeof payload === 'string') {
      const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8');
      // Not awaited: storing must not delay the response, and set() never throws.
      void cache.set<CachedResponse>(
        p.key,
        { body: payload, contentType },
        { ttlMs: p.ttlMs, tags: p.tags, ifUnchangedSince: p.since },
      );
    }
    return payload;
  }
  return { responseCacheLookup, responseCacheStore };
}

/**
 * The response cache, attached only to the GET routes that opt in (an onRoute hook adds route-level
 * preHandler and onSend hooks; other routes run no cache code at all). A hit is answered before the
 * handler runs, with `X-Cache: HIT`; a miss runs the handler and stores its body if the status is 200.
 * `Cache-Control: no-cache` skips the lookup (the fresh response replaces the entry); `no-store` also
 * skips storing. Entries are tagged with the user, so a user's responses can be dropped together.
 *
 * onRoute only sees routes registered after it, so a route that opts in too early fails loudly:
 * `cachedResponse` throws before the cache module exists, and `ready()` fails for an opt-in that no
 * hook attached (a route in a context created before the cache module).
 */
export function registerResponseCache(app: FastifyInstance, cache: CacheService): void {
  const registry: Registry = new Set();
  app.decorate(REGISTRY, registry);
  app.addHook('onRoute', (route: RouteOptions) => {
    const optIn: unknown = route.config?.responseCache;
    if (optIn === undefined) return;
    const where = `${String(route.method)} ${route.url}`;
    if (!(optIn instanceof ResponseCacheOptIn))
      throw new Error(`${where}: config.responseCache must be made with cachedResponse(app, options)`);
    const methods = asArray(route.method);
    if (methods.length === 1 && methods[0] === 'HEAD') return; // Fastify's automatic HEAD twin of a GET route
    if (!methods.includes('GET'))
      throw new Error(`${where}: only GET routes can opt into the response cache`);
    const { responseCacheLookup, responseCacheStore } = routeHooks(cache, optIn.options);
    route.preHandler = [...asArray(route.preHandler), responseCacheLookup];
    route.onSend = [...asArray(route.onSend), responseCacheStore];
    optIn.markAttached();
    registry.delete(optIn);
  });
  app.addHook('onReady', async () => {
    if (registry.size) {
      throw new Error(
        `${registry.size} route(s) opted into the response cache in a context the cache's onRoute hook does not reach (created before the cache module): they would never be cached. Register cacheModule(...) earlier (src/app.ts).`,
      );
    }
  });
}
