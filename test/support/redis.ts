import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { REDIS_URL } from './databases.ts';

/** A fresh Redis key prefix for one app or suite, so suites sharing the test Redis never see each other's keys. */
export function uniquePrefix(label = 'test'): string {
  return `testweb-${label}-${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key matching the glob patterns (SCAN + UNLINK; never FLUSHALL, the test Redis is shared). */
export async function dropKeys(patterns: string[], url = REDIS_URL): Promise<void> {
  if (!url) return;
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix`. */
export const dropPrefix = (prefix: string, url = REDIS_URL): Promise<void> => dropKeys([`${prefix}*`], url);
