import { createRequire } from 'node:module';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import type { Redis } from 'ioredis';
import { EventEmitter } from 'node:events';
import type { CacheConfig } from '../../config/cache-config.ts';
import type { RedisFactory } from '../../shared/redis/index.ts';
import { createCacheBusTransport } from './cache-bus.transport.ts';

/** The parts of lru-cache's LRUCache we use (bentocache's L1; we hold it to count and scan entries). */
export interface L1Lru {
  readonly size: number;
  readonly calculatedSize: number;
  get(key: string): unknown;
  keys(): Iterable<string>;
  delete(key: string): boolean;
  clear(): void;
}

const SOURCE_SOFT_TIMEOUT_MS = 5000;

type LruCtor = new (options: object) => L1Lru;
// lru-cache is bentocache's dependency, not ours: resolve it from bentocache so we get the one it uses.
const { LRUCache } = createRequire(import.meta.resolve('bentocache'))('lru-cache') as { LRUCache: LruCtor };

export interface CacheStore {
  bento: BentoCache<Record<string, ReturnType<typeof bentostore>>>;
  emitter: EventEmitter;
  l1: L1Lru;
  /** The L2 connection (commands for SCAN and INFO), null in memory mode. */
  redis: Redis | null;
  /** Full prefix of every entry key, e.g. `testweb:cache`. */
  prefix: string;
  close(): Promise<void>;
}

export interface CacheStoreHooks {
  /** A Redis operation (L2 or bus) failed, or (`connection`) the L2 connection reported an error. */
  onRedisError(source: 'redis' | 'bus' | 'connection', err: unknown): void;
  /** The bus subscriber reconnected: invalidations may have been missed. */
  onBusResubscribed(): void;
}

interface BuildOptions {
  config: CacheConfig;
  prefix: string;
  redis: RedisFactory | null;
  hooks: CacheStoreHooks;
}

function createL1(config: CacheConfig): L1Lru {
  return new LRUCache({
    max: config.l1MaxItems,
    maxSize: config.l1MaxBytes,
    sizeCalculation: (value: string) => Buffer.byteLength(value, 'utf8') || 1,
    ttlAutopurge: false,
  });
}

function redisConnections(factory: RedisFactory, config: CacheConfig, hooks: CacheStoreHooks) {
  // A slow or absent Redis must cost a request at most `redisTimeoutMs`, never a hang.
  const l2 = factory.create('cache', { commandTimeout: config.redisTimeoutMs, maxRetriesPerRequest: 1 });
  const publisher = factory.create('cache-bus-pub', {
    commandTimeout: config.redisTimeoutMs,
    maxRetriesPerRequest: 1,
  });
  const subscriber = factory.create('cache-bus-sub', { maxRetriesPerRequest: null });
  l2.on('error', (err: unknown) => hooks.onRedisError('connection', err));
  return { l2, publisher, subscriber };
}

/**
 * bentocache with a memory L1 and, when Redis is configured, a Redis L2 plus a bus that drops other
 * processes' L1 copies of what one process changes. L2 failures are suppressed (served from L1 or the
 * source) and open a circuit breaker so a dead Redis is not retried on every request.
 */
export function createCacheStore({ config, prefix, redis, hooks }: BuildOptions): CacheStore {
  const l1 = createL1(config);
  const emitter = new EventEmitter();
  let store = bentostore().useL1Layer(
    memoryDriver({ cacheInstance: l1 } as Parameters<typeof memoryDriver>[0]),
  );
  let conns: ReturnType<typeof redisConnections> | null = null;
  if (redis) {
    conns = redisConnections(redis, config, hooks);
    const transport = createCacheBusTransport({
      publisher: conns.publisher,
      subscriber: conns.subscriber,
      channelPrefix: redis.keyPrefix,
      onError: (err) => hooks.onRedisError('bus', err),
      onResubscribed: hooks.onBusResubscribed,
    });
    store = store.useL2Layer(redisDriver({ connection: conns.l2 })).useBus({
      options: { retryQueue: { enabled: true, maxSize: 1000, retryInterval: '2s' } },
      factory: () => transport as never,
    });
  }
  const bento = new BentoCache({
    default: 'cache',
    prefix,
    emitter,
    stores: { cache: store },
    grace: config.graceMs > 0 ? config.graceMs : false,
    graceBackoff: '10s',
    // Past its TTL an entry is reloaded and the caller waits for the source (bentocache's default, 0,
    // would answer stale at once and refresh in the background); only a source slower than this or
    // failing gets the stale value.
    timeout: SOURCE_SOFT_TIMEOUT_MS,
    suppressL2Errors: true,
    l2CircuitBreakerDuration: config.redisBreakerMs || undefined,
    // Counts failures of L2 and bus operations (bentocache then falls back, so nothing reaches callers).
    internalOperationWrapper: <T>(fn: () => T): T => {
      const out = fn();
      if (out instanceof Promise) out.catch((err: unknown) => hooks.onRedisError('redis', err));
      return out;
    },
  });
  return {
    bento,
    emitter,
    l1,
    redis: conns?.l2 ?? null,
    prefix,
    async close() {
      await bento.disconnectAll().catch(() => undefined);
      conns?.l2.disconnect();
    },
  };
}
