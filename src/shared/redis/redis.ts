import { Redis, type RedisOptions } from 'ioredis';

/**
 * The one Redis connection factory (queue, cache, rate limits, pub/sub). Each caller gets its own
 * connection and closes it in onClose. `purpose` names the connection in `CLIENT LIST`.
 */
export interface RedisFactory {
  /** A general connection: commands fail fast while Redis is down instead of queueing forever. */
  create(purpose: string, overrides?: RedisOptions): Redis;
  /** Options BullMQ requires (maxRetriesPerRequest: null, so blocking workers survive reconnects). */
  bullmq(purpose: string): Redis;
  readonly url: string;
  readonly keyPrefix: string;
}

export function createRedisFactory(url: string, keyPrefix = 'testweb:'): RedisFactory {
  const base = (purpose: string): RedisOptions => ({
    connectionName: `testweb:${purpose}`,
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  return {
    url,
    keyPrefix,
    create: (purpose, overrides) => new Redis(url, { ...base(purpose), ...overrides }),
    bullmq: (purpose) => new Redis(url, { ...base(purpose), maxRetriesPerRequest: null, enableReadyCheck: false }),
  };
}
