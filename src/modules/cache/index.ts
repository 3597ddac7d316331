import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import type { RedisFactory } from '../../shared/redis/index.ts';
import { subscribeCacheInvalidation } from './cache-invalidation.ts';
import { registerCacheRoutes } from './cache.routes.ts';
import { createCacheService, type CacheService } from './cache.service.ts';
import { createPassThroughCache } from './pass-through-cache.ts';
import { registerResponseCache } from './response-cache.hook.ts';

export { cacheKeys, cacheTags } from './cache-keys.ts';
export {
  createResultCache,
  type CachedRead,
  type ResultReadOptions,
  type ResultSource,
  type ResultViewer,
} from './cached-test-result.ts';
export type { CacheService, CacheStats } from './cache.service.ts';
export {
  cacheDirectives,
  cachedResponse,
  type ResponseCacheOptIn,
  type ResponseCacheOptions,
} from './response-cache.hook.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared cache (see docs/CACHE_STRATEGY.md). */
    cache: CacheService;
  }
}

export interface CacheModuleDeps {
  config: Config;
  events: EventBus;
  /** null: memory only (embedded mode). */
  redis: RedisFactory | null;
}

/**
 * The cache: builds the CacheService (memory L1, plus Redis L2 and bus when REDIS_URL is set), decorates
 * `app.cache`, installs the response-cache hook and /api/cache, and subscribes invalidation to events.
 * Register it before every module whose routes opt in with `cachedResponse` (that throws otherwise).
 */
export async function cacheModule(
  app: FastifyInstance,
  { config, events, redis }: CacheModuleDeps,
): Promise<{ service: CacheService }> {
  const service = config.cache.enabled
    ? createCacheService({ config: config.cache, redis, log: app.log.child({ module: 'cache' }) })
    : createPassThroughCache();
  app.decorate('cache', service);
  registerResponseCache(app, service);
  const unsubscribe = subscribeCacheInvalidation(events, service);
  app.addHook('onClose', async () => {
    unsubscribe();
    await service.close();
  });
  registerCacheRoutes(app, service);
  return { service };
}
