import type { Redis } from 'ioredis';

/**
 * Who owns a test, for `stress-test-{testId}` authorization. The database is the system of record (asked
 * through the `ownerOf` port); the registry remembers owners seen on test events so a subscription right after submission (or
 * on another API process) does not need a query, and so the channel works before a row is visible.
 */
export interface TestOwnerLookup {
  ownerOf(testId: string): Promise<string | null>;
  remember(testId: string, userId: string): Promise<void>;
}

const MEMORY_CAP = 10_000;
const REDIS_TTL_MS = 7 * 86_400_000;

interface OwnerCache {
  get(testId: string): Promise<string | null>;
  set(testId: string, userId: string): Promise<void>;
}

function memoryCache(): OwnerCache {
  const owners = new Map<string, string>();
  return {
    get: async (testId) => owners.get(testId) ?? null,
    async set(testId, userId) {
      owners.delete(testId);
      owners.set(testId, userId);
      // Map iteration is insertion order, so the first key is the least recently remembered.
      if (owners.size > MEMORY_CAP) owners.delete(owners.keys().next().value!);
    },
  };
}

function redisCache(redis: Redis, prefix: string): OwnerCache {
  const key = (testId: string) => `${prefix}rt:owner:${testId}`;
  return {
    get: (testId) => redis.get(key(testId)),
    async set(testId, userId) {
      await redis.set(key(testId), userId, 'PX', REDIS_TTL_MS);
    },
  };
}

export function createTestOwnerRegistry(deps: {
  ownerOf: (testId: string) => Promise<string | null>;
  redis: Redis | null;
  keyPrefix: string;
}): TestOwnerLookup {
  const cache = deps.redis ? redisCache(deps.redis, deps.keyPrefix) : memoryCache();
  return {
    async ownerOf(testId) {
      const cached = await cache.get(testId);
      if (cached) return cached;
      const owner = await deps.ownerOf(testId);
      if (owner) await cache.set(testId, owner);
      return owner;
    },
    remember: (testId, userId) => cache.set(testId, userId),
  };
}
