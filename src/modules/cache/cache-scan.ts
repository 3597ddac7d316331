import type { Redis } from 'ioredis';
import { TAG_KEY_PREFIX } from './cache-keys.ts';
import type { CacheStore } from './cache-store.ts';

const SCAN_COUNT = 1000;
const DELETE_BATCH = 500;
/** The stats route counts L2 keys with SCAN; past this many SCAN calls it stops (an admin page, not a census). */
const STATS_MAX_SCANS = 100;

async function* scan(redis: Redis, match: string, maxScans = Infinity): AsyncGenerator<string[]> {
  let cursor = '0';
  let scans = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
    cursor = next;
    yield keys;
  } while (cursor !== '0' && ++scans < maxScans);
}

/**
 * Deletes every entry whose key matches `re` (the compiled `pattern`): collected from this process's L1
 * and from Redis with SCAN (never KEYS, which blocks Redis), then deleted through bentocache in batches
 * so L2 gets UNLINKs and every other process's L1 gets a bus message. bentocache's tag stamps are kept:
 * deleting one would resurrect the entries it invalidated.
 */
export async function deleteMatching(
  store: CacheStore,
  bento: { deleteMany(o: { keys: string[] }): Promise<boolean> },
  re: RegExp,
  pattern: string,
): Promise<number> {
  const p = `${store.prefix}:`;
  const keys = new Set<string>();
  const consider = (full: string) => {
    if (!full.startsWith(p)) return;
    const key = full.slice(p.length);
    if (!key.startsWith(TAG_KEY_PREFIX) && re.test(key)) keys.add(key);
  };
  for (const full of store.l1.keys()) consider(full);
  if (store.redis) for await (const batch of scan(store.redis, p + pattern)) batch.forEach(consider);
  const all = [...keys];
  for (let i = 0; i < all.length; i += DELETE_BATCH)
    await bento.deleteMany({ keys: all.slice(i, i + DELETE_BATCH) });
  return all.length;
}

/** Keys under the cache prefix in Redis (approximate past STATS_MAX_SCANS) and Redis's used memory (whole server). */
export async function collectL2Stats(
  redis: Redis,
  prefix: string,
): Promise<{ keys: number; usedMemory: number | null }> {
  let keys = 0;
  for await (const batch of scan(redis, `${prefix}:*`, STATS_MAX_SCANS))
    keys += batch.filter((k) => !k.includes(TAG_KEY_PREFIX)).length;
  const info = await redis.info('memory');
  const used = /^used_memory:(\d+)/m.exec(info);
  return { keys, usedMemory: used ? Number(used[1]) : null };
}
