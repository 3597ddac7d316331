/**
 * What one test-list invalidation costs the process that makes it (cache-invalidation.ts drops the owner's
 * and the admins' list tags): `invalidateTags(cacheTags.testListsOf(user))` awaited in a loop, memory-only
 * and, when a Redis URL is given, over Redis (each tag is an L1 write, a Redis SET and a bus PUBLISH).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/index.ts';
import { cacheTags } from '../../src/modules/cache/index.ts';
import { createCacheService } from '../../src/modules/cache/cache.service.ts';
import { createRedisFactory } from '../../src/shared/redis/index.ts';

const N = 2000;
const silent = { warn: () => undefined, info: () => undefined, error: () => undefined };

async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

/** Microseconds per list invalidation (two tags), by mode. */
export async function measureInvalidationCost(redisUrl: string | undefined): Promise<Record<string, number>> {
  const { config } = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'b'.repeat(40),
    ENCRYPTION_KEY: 'e'.repeat(40),
    DATABASE_URL: 'memory://',
  });
  const out: Record<string, number> = {};
  for (const mode of ['memory', ...(redisUrl ? ['redis'] : [])]) {
    const prefix = `testweb-bench-cache-${randomBytes(4).toString('hex')}:`;
    const cache = createCacheService({
      config: config.cache,
      redis: mode === 'redis' ? createRedisFactory(redisUrl!, prefix) : null,
      log: silent,
    });
    for (let i = 0; i < 100; i++) await cache.invalidateTags(cacheTags.testListsOf(`warm-${i % 10}`));
    const started = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await cache.invalidateTags(cacheTags.testListsOf(`user-${i % 10}`));
    out[`${mode}_us`] = Math.round(Number(process.hrtime.bigint() - started) / N / 10) / 100;
    await cache.close();
    if (mode === 'redis') await dropPrefix(redisUrl!, prefix);
  }
  return out;
}
