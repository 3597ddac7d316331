import { ConfigError, parseBool, readDuration as ms, readInt as int } from './parse.ts';

/** Tiers, TTLs and failure limits of the cache layer; see docs/CACHE_STRATEGY.md. */
export interface CacheConfig {
  /** false: every read goes to the source (a pass-through driver), for debugging and comparison. */
  enabled: boolean;
  /** Entries the in-process L1 (LRU) holds. */
  l1MaxItems: number;
  /** Bytes of serialized values the L1 holds. */
  l1MaxBytes: number;
  ttl: {
    testResultMs: number;
    userPermissionsMs: number;
    configMs: number;
    apiResponseMs: number;
  };
  /** How long past its TTL an entry may still be served when its source fails (0: never). */
  graceMs: number;
  /** A Redis command slower than this counts as failed; the request is served from L1 or the source. */
  redisTimeoutMs: number;
  /** After a Redis failure, L2 is skipped for this long instead of being retried on every request. */
  redisBreakerMs: number;
}

type Env = Record<string, string | undefined>;

/** `e` already carries the defaults from ENV_VARS. */
export function parseCacheConfig(e: Env): CacheConfig {
  const enabled = e.CACHE_ENABLED === undefined ? undefined : parseBool(e.CACHE_ENABLED);
  if (enabled === undefined) throw new ConfigError('CACHE_ENABLED', 'true or false', e.CACHE_ENABLED);
  const day = 86_400_000;
  return {
    enabled,
    l1MaxItems: int(e, 'CACHE_L1_MAX_ITEMS', 1, 10_000_000),
    l1MaxBytes: int(e, 'CACHE_L1_MAX_BYTES', 65_536, 68_719_476_736),
    ttl: {
      testResultMs: ms(e, 'CACHE_TTL_TEST_RESULT', 1000, 30 * day),
      userPermissionsMs: ms(e, 'CACHE_TTL_USER_PERMISSIONS', 1000, 30 * day),
      configMs: ms(e, 'CACHE_TTL_CONFIG', 1000, 30 * day),
      apiResponseMs: ms(e, 'CACHE_TTL_API_RESPONSE', 1000, 30 * day),
    },
    graceMs: ms(e, 'CACHE_GRACE', 0, 30 * day),
    redisTimeoutMs: ms(e, 'CACHE_REDIS_TIMEOUT', 10, 60_000),
    redisBreakerMs: ms(e, 'CACHE_REDIS_BREAKER', 0, 3_600_000),
  };
}
