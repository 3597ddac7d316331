import { sql, type Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { DB } from '../../shared/db/index.ts';

/**
 * Who owns a test, for `stress-test-{testId}` authorization. The database (test_queue) is the system of
 * record; the registry remembers owners seen on test events so a subscription right after submission (or
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

async function ownerFromDatabase(db: Kysely<DB>, testId: string): Promise<string | null> {
  try {
    const { rows } = await sql<{ user_id: string }>`select user_id from test_queue where test_id = ${testId}`.execute(db);
    return rows[0]?.user_id ?? null;
  } catch (err) {
    // 42P01: test_queue does not exist (a deployment without the tests module); anything else is real.
    if ((err as { code?: string }).code === '42P01') return null;
    throw err;
  }
}

export function createTestOwnerRegistry(deps: { db: Kysely<DB>; redis: Redis | null; keyPrefix: string }): TestOwnerLookup {
  const cache = deps.redis ? redisCache(deps.redis, deps.keyPrefix) : memoryCache();
  return {
    async ownerOf(testId) {
      const cached = await cache.get(testId);
      if (cached) return cached;
      const owner = await ownerFromDatabase(deps.db, testId);
      if (owner) await cache.set(testId, owner);
      return owner;
    },
    remember: (testId, userId) => cache.set(testId, userId),
  };
}
