import { NotFoundError } from '../../shared/http/index.ts';
import { cacheKeys } from './cache-keys.ts';
import type { CacheService } from './cache.service.ts';

/** The tests service's `getResult(userId, role, testId)`. */
export type GetResult<T> = (userId: string, role: 'user' | 'admin', testId: string) => Promise<T>;

interface CachedResult<T> {
  ownerId: string;
  result: T;
}

/**
 * Puts a test's result behind the cache under `test:result:{testId}` (one entry per test, shared by its
 * owner and admins). The entry remembers the owner, so ownership is still checked on every hit: anyone
 * else gets the same 404 as for a test that does not exist. A 404 (no such test, no result yet) is
 * not cached. Invalidation is cache-invalidation.ts's job, driven by the test events, by key: the entry
 * carries no tag, because bentocache checks every tag of an entry on every hit.
 */
export function cacheTestResults<T>(cache: CacheService, getResult: GetResult<T>, ownerOf: (testId: string) => Promise<string | null>): GetResult<T> {
  return async (userId, role, testId) => {
    const entry = await cache.wrap<CachedResult<T>>(
      cacheKeys.testResult(testId),
      undefined,
      async () => {
        // A user's own read is scoped to them, so success proves ownership (no owner lookup); another
        // user's test is a 404 from getResult and nothing is stored. Admins look the owner up.
        if (role !== 'admin') return { ownerId: userId, result: await getResult(userId, 'user', testId) };
        const ownerId = await ownerOf(testId);
        if (!ownerId) throw new NotFoundError(`No test ${testId}`);
        return { ownerId, result: await getResult(ownerId, 'user', testId) };
      },
    );
    if (role !== 'admin' && entry.ownerId !== userId) throw new NotFoundError(`No test ${testId}`);
    return entry.result;
  };
}
