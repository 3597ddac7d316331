import { NotFoundError } from '../../shared/http/index.ts';
import { cacheKeys } from './cache-keys.ts';
import type { CacheService } from './cache.service.ts';

/** Who reads: admins read every result, anyone else only their own. */
export interface ResultViewer {
  id: string;
  role: 'user' | 'admin';
}

/**
 * Where a miss reads from: the owner's own read, and the owner of a test; `serialize` turns a result
 * into the response body (the route's own serializer), which is what the cache keeps.
 */
export interface ResultSource<T> {
  read(ownerId: string, testId: string): Promise<T>;
  ownerOf(testId: string): Promise<string | null>;
  serialize(value: T): string;
}

/** What the request allows (see `cacheDirectives`): `Cache-Control: no-cache` is `fresh`, `no-store` also `store: false`. */
export interface ResultReadOptions {
  /** Skip the lookup: read the source and replace the entry with what it says. */
  fresh?: boolean;
  /** false: do not store what was read. */
  store?: boolean;
}

/** A read's response body (JSON), and whether the cache answered it (`X-Cache: HIT`) or the source did. */
export interface CachedRead {
  body: string;
  hit: boolean;
}

/**
 * An entry: the owner and the serialized response. A hit is sent as it is, with no object rebuilt from
 * the cached JSON and serialized again (bentocache's JSON.parse of a nested result plus the route's
 * serializer were most of a hit's own cost). `result` is the shape entries had before (still in a
 * Redis L2 after an upgrade, for up to CACHE_TTL_TEST_RESULT): served by serializing it.
 */
interface CachedResult<T> {
  ownerId: string;
  body?: string;
  result?: T;
}

/**
 * Puts test results behind the cache under `test:result:{testId}` (one entry per test, shared by its
 * owner and admins). The entry remembers the owner, so ownership is still checked on every hit: anyone
 * else gets the same 404 as for a test that does not exist. A 404 (no such test, no result yet) is
 * not cached. Invalidation is cache-invalidation.ts's job, driven by the test events, by key: the entry
 * carries no tag, because bentocache checks every tag of an entry on every hit.
 */
export function createResultCache(cache: CacheService) {
  // A user's own read is scoped to them, so success proves ownership (no owner lookup); another user's
  // test is a 404 from the source and nothing is stored. Admins look the owner up.
  async function load<T>(
    viewer: ResultViewer,
    testId: string,
    source: ResultSource<T>,
  ): Promise<CachedResult<T>> {
    if (viewer.role !== 'admin')
      return { ownerId: viewer.id, body: source.serialize(await source.read(viewer.id, testId)) };
    const ownerId = await source.ownerOf(testId);
    if (!ownerId) throw new NotFoundError(`No test ${testId}`);
    return { ownerId, body: source.serialize(await source.read(ownerId, testId)) };
  }
  function owned<T>(viewer: ResultViewer, testId: string, entry: CachedResult<T>, source: ResultSource<T>) {
    if (viewer.role !== 'admin' && entry.ownerId !== viewer.id) throw new NotFoundError(`No test ${testId}`);
    return entry.body ?? source.serialize(entry.result as T);
  }

  return {
    async read<T>(
      viewer: ResultViewer,
      testId: string,
      source: ResultSource<T>,
      options: ResultReadOptions = {},
    ): Promise<CachedRead> {
      const key = cacheKeys.testResult(testId);
      if (options.fresh || options.store === false) {
        const since = cache.position();
        const entry = await load(viewer, testId, source);
        if (options.store !== false) await cache.set(key, entry, { ifUnchangedSince: since });
        return { body: entry.body!, hit: false };
      }
      // A hit is a read this request did not load itself: from the cache, from a concurrent miss's
      // load (bentocache runs one per process), or a stale value served because the source failed.
      let loaded = false;
      const entry = await cache.wrap<CachedResult<T>>(key, undefined, async () => {
        const value = await load(viewer, testId, source);
        loaded = true;
        return value;
      });
      return { body: owned(viewer, testId, entry, source), hit: !loaded };
    },
  };
}
