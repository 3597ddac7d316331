import { setTimeout as sleep } from 'node:timers/promises';
import { errors as bentoErrors } from 'bentocache';
import type { CacheConfig } from '../../config/cache-config.ts';
import type { RedisFactory } from '../../shared/redis/index.ts';
import { defaultTtlMs, globToRegExp, namespaceOf, TAG_KEY_PREFIX } from './cache-keys.ts';
import { createCacheMetrics, type CacheMetrics, type NamespaceStats } from './cache-metrics.ts';
import { createCacheStore, type CacheStore } from './cache-store.ts';
import { createInvalidationLog } from './invalidation-log.ts';
import { collectL2Stats, deleteMatching } from './cache-scan.ts';
import { createRedisHealth } from './redis-health.ts';

export interface CacheStats {
  driver: 'memory' | 'memory+redis' | 'none';
  hits: number;
  misses: number;
  hitRate: number | null;
  namespaces: Record<string, NamespaceStats>;
  keys: { l1: number; l2: number | null };
  memory: { l1Bytes: number; redisUsedBytes: number | null };
  redis: { available: boolean; errors: number } | null;
}

export interface SetOptions {
  /** Defaults to the TTL of the key's namespace. */
  ttlMs?: number;
  tags?: string[];
  /** A `position()` taken before the value was read: if the key or a tag was invalidated since, the value is not stored. */
  ifUnchangedSince?: number;
}

/**
 * The cache every module reads through. Keys follow cache-keys.ts (`test:result:{testId}` …). No method
 * ever throws because of the cache itself: a cache failure is logged, counted, and the caller is served
 * from the source. `wrap` runs `fn` once per process for concurrent misses on one key.
 *
 * @example
 * const result = await cache.wrap(cacheKeys.testResult(id), undefined, () => repo.getResult(id), { tags: [cacheTags.test(id)] });
 */
export interface CacheService {
  readonly driver: CacheStats['driver'];
  readonly metrics: CacheMetrics;
  get<T>(key: string): Promise<T | undefined>;
  /** The current position in this process's invalidation order (see SetOptions.ifUnchangedSince). */
  position(): number;
  set<T>(key: string, value: T, options?: SetOptions): Promise<void>;
  del(key: string): Promise<void>;
  /** Cached value of `key`, or `fn()` stored for `ttlMs` (undefined: the namespace TTL). `undefined` results are not stored. */
  wrap<T>(
    key: string,
    ttlMs: number | undefined,
    fn: () => Promise<T>,
    options?: { tags?: string[] },
  ): Promise<T>;
  invalidateTags(tags: string[]): Promise<void>;
  /** Deletes every key matching a glob (`*`, `?`) in this process's L1 and in Redis (SCAN, never KEYS); returns how many. */
  invalidatePattern(pattern: string): Promise<number>;
  flush(): Promise<void>;
  stats(): Promise<CacheStats>;
  close(): Promise<void>;
}

export interface CacheServiceDeps {
  config: CacheConfig;
  /** null: memory only (embedded mode). */
  redis: RedisFactory | null;
  log: {
    warn(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
}

function countKeys(l1: CacheStore['l1']): number {
  let n = 0;
  for (const k of l1.keys()) if (!k.includes(TAG_KEY_PREFIX)) n++;
  return n;
}

export function createCacheService({ config, redis, log }: CacheServiceDeps): CacheService {
  const metrics = createCacheMetrics();
  const invalidations = createInvalidationLog();
  const prefix = `${redis?.keyPrefix ?? 'testweb:'}cache`;
  const health = createRedisHealth({
    log,
    metrics,
    probe: () => store.redis!.ping(),
    probeEveryMs: Math.max(1000, config.redisBreakerMs),
    async onRecovered(replay) {
      // bentocache skips Redis while its circuit breaker is open: let it close, then replay (L2 + bus).
      await sleep(config.redisBreakerMs);
      if (replay.flush) return bento.clear({ suppressL2Errors: false });
      if (replay.tags.size) await bento.deleteByTag({ tags: [...replay.tags], suppressL2Errors: false });
      if (replay.keys.size) await bento.deleteMany({ keys: [...replay.keys], suppressL2Errors: false });
    },
  });
  const store = createCacheStore({
    config,
    prefix,
    redis,
    // Pub/sub does not replay what a disconnected subscriber missed, so its L1 may be stale: drop it.
    hooks: { onRedisError: health.failed, onBusResubscribed: () => store.l1.clear() },
  });
  const bento = store.bento.use();
  store.emitter.on(
    'cache:hit',
    (e: { key: string; layer: 'l1' | 'l2' }) =>
      !e.key.startsWith(TAG_KEY_PREFIX) && metrics.hit(namespaceOf(e.key), e.layer),
  );
  store.emitter.on(
    'cache:miss',
    (e: { key: string }) => !e.key.startsWith(TAG_KEY_PREFIX) && metrics.miss(namespaceOf(e.key)),
  );
  store.emitter.on('bus:message:received', (e: { message: { keys: string[]; type: string } }) =>
    invalidations.fromBus(e.message.type, e.message.keys),
  );

  /** Runs a cache operation; on failure logs, counts, and answers `fallback`. */
  async function safely<T>(op: string, fallback: T, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      metrics.error('cache');
      log.error({ err, op }, 'cache operation failed; serving from the source');
      return fallback;
    }
  }

  /**
   * A fresh, untagged L1 entry read straight from the LRU, as bentocache would answer it: its getOrSet
   * builds a full options object per call (createCacheEntryOptions, parsing the TTL strings again) that
   * was 8.7 % of a cached result request's CPU, more than the rest of the lookup (bench/cache profile).
   * Anything else (absent, logically expired or in grace, tagged, unreadable) goes through bentocache.
   */
  function freshL1<T>(key: string): { value: T } | undefined {
    const raw = store.l1.get(`${prefix}:${key}`);
    if (typeof raw !== 'string') return undefined;
    let item: { value?: T; logicalExpiration?: number; tags?: string[] };
    try {
      item = JSON.parse(raw) as typeof item;
    } catch {
      return undefined;
    }
    if (
      item.tags?.length ||
      !(typeof item.logicalExpiration === 'number' && item.logicalExpiration > Date.now())
    )
      return undefined;
    if (item.value === undefined) return undefined;
    metrics.hit(namespaceOf(key), 'l1');
    return { value: item.value };
  }

  const cache: CacheService = {
    driver: redis ? 'memory+redis' : 'memory',
    metrics,
    // A plain read honours the TTL exactly; grace applies only to wrap, when the source fails.
    get: (key) => safely('get', undefined, () => bento.get({ key, grace: false })),
    position: () => invalidations.now(),
    async set(key, value, options = {}) {
      if (value === undefined) return;
      if (
        options.ifUnchangedSince !== undefined &&
        invalidations.changedSince(options.ifUnchangedSince, key, options.tags ?? [])
      )
        return;
      await safely('set', false, () =>
        bento.set({ key, value, ttl: options.ttlMs ?? defaultTtlMs(key, config.ttl), tags: options.tags }),
      );
    },
    async del(key) {
      invalidations.key(key);
      metrics.invalidation('key');
      health.remember({ key });
      await safely('del', false, () => bento.delete({ key }));
      health.remember({ key });
    },
    async wrap(key, ttlMs, fn, options = {}) {
      const tags = options.tags ?? [];
      if (!tags.length) {
        const hit = freshL1<Awaited<ReturnType<typeof fn>>>(key);
        if (hit) return hit.value;
      }
      const since = invalidations.now();
      let loaded: { value: Awaited<ReturnType<typeof fn>> } | undefined;
      try {
        const value = await bento.getOrSet({
          key,
          ttl: ttlMs ?? defaultTtlMs(key, config.ttl),
          tags,
          factory: async (ctx) => {
            const v = await fn();
            loaded = { value: v };
            // Invalidated while we were loading: hand the value to this caller but do not store it.
            if (v === undefined || invalidations.changedSince(since, key, tags)) return ctx.skip();
            return v;
          },
        });
        return (value === undefined && loaded ? loaded.value : value) as Awaited<ReturnType<typeof fn>>;
      } catch (err) {
        if (err instanceof bentoErrors.E_FACTORY_ERROR) throw (err as Error).cause;
        if (loaded) return loaded.value;
        metrics.error('cache');
        log.error({ err, op: 'wrap' }, 'cache operation failed; serving from the source');
        return fn();
      }
    },
    async invalidateTags(tags) {
      for (const t of tags) invalidations.tag(t);
      metrics.invalidation('tag');
      health.remember({ tags });
      // One deleteByTag per tag, all started at once: bentocache writes a tag's L1 stamp synchronously but
      // awaits Redis before the next tag of one call, and a request in between must already miss.
      await safely('invalidateTags', false, async () =>
        (await Promise.all(tags.map((tag) => bento.deleteByTag({ tags: [tag] })))).every(Boolean),
      );
      health.remember({ tags });
    },
    async invalidatePattern(pattern) {
      invalidations.all();
      health.remember({ all: true });
      metrics.invalidation('pattern');
      const deleted = await safely('invalidatePattern', 0, () =>
        deleteMatching(store, bento, globToRegExp(pattern), pattern),
      );
      health.remember({ all: true });
      return deleted;
    },
    async flush() {
      invalidations.all();
      health.remember({ all: true });
      metrics.invalidation('flush');
      await safely('flush', undefined, () => bento.clear());
      health.remember({ all: true });
    },
    async stats() {
      const snap = await metrics.snapshot();
      const l2 =
        store.redis && health.available()
          ? await collectL2Stats(store.redis, prefix).catch(() => null)
          : null;
      return {
        driver: cache.driver,
        ...snap.all,
        namespaces: snap.namespaces,
        keys: { l1: countKeys(store.l1), l2: l2?.keys ?? null },
        memory: { l1Bytes: store.l1.calculatedSize, redisUsedBytes: l2?.usedMemory ?? null },
        redis: redis ? { available: health.available(), errors: snap.errors } : null,
      };
    },
    async close() {
      health.close();
      await store.close();
    },
  };
  return cache;
}
