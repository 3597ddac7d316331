import { namespaceOf } from './cache-keys.ts';
import { createCacheMetrics } from './cache-metrics.ts';
import type { CacheService } from './cache.service.ts';

/** CACHE_ENABLED=false: stores nothing, so every read reaches the source (and counts as a miss). */
export function createPassThroughCache(): CacheService {
  const metrics = createCacheMetrics();
  const cache: CacheService = {
    driver: 'none',
    metrics,
    async get(key) {
      metrics.miss(namespaceOf(key));
      return undefined;
    },
    position: () => 0,
    set: async () => undefined,
    del: async () => undefined,
    async wrap(key, _ttl, fn) {
      metrics.miss(namespaceOf(key));
      return fn();
    },
    invalidateTags: async () => undefined,
    invalidatePattern: async () => 0,
    flush: async () => undefined,
    async stats() {
      const snap = await metrics.snapshot();
      return {
        driver: 'none',
        ...snap.all,
        namespaces: snap.namespaces,
        keys: { l1: 0, l2: null },
        memory: { l1Bytes: 0, redisUsedBytes: null },
        redis: null,
      };
    },
    close: async () => undefined,
  };
  return cache;
}
