import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCacheService, type CacheService } from '../../src/modules/cache/cache.service.ts';
import { cacheKeys, cacheTags } from '../../src/modules/cache/index.ts';
import { createRedisFactory } from '../../src/shared/redis/index.ts';
import { REDIS_URL } from '../support/databases.ts';
import { testConfig } from '../support/app.ts';
import { dropPrefix, uniquePrefix, waitFor } from './cache-test-app.ts';

const silent = { warn: () => undefined, info: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const drivers = [
  { name: 'memory', redis: false },
  ...(REDIS_URL ? [{ name: 'memory+redis', redis: true }] : []),
];
if (!REDIS_URL)
  console.error(
    '[test] TESTWEB_TEST_REDIS_URL is not set: cache-service runs on the memory driver only (Redis L2 skipped)',
  );

describe.each(drivers)('CacheService ($name)', ({ redis }) => {
  const prefixes: string[] = [];
  let cache: CacheService;

  beforeEach(() => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    cache = createCacheService({
      config: testConfig().cache,
      redis: redis ? createRedisFactory(REDIS_URL!, prefix) : null,
      log: silent,
    });
  });
  afterEach(async () => cache.close());
  afterAll(async () => {
    if (redis) for (const p of prefixes) await dropPrefix(REDIS_URL!, p);
  });

  it('reports its driver', () => {
    expect(cache.driver).toBe(redis ? 'memory+redis' : 'memory');
  });

  it('stores, reads and deletes a value', async () => {
    await cache.set(cacheKeys.config('site'), { name: 'TestWeb' });
    expect(await cache.get(cacheKeys.config('site'))).toEqual({ name: 'TestWeb' });
    await cache.del(cacheKeys.config('site'));
    expect(await cache.get(cacheKeys.config('site'))).toBeUndefined();
  });

  // A TTL is wall-clock time (Redis expires L2 entries itself), so these tests measure instead of assuming:
  // the "still there" read counts only when it happened well inside the TTL on this (shared, busy) machine.
  const TTL_MS = 400;

  it('expires an entry after its TTL', async () => {
    const setAt = Date.now();
    await cache.set('config:short', 'v', { ttlMs: TTL_MS });
    const early = await cache.get('config:short');
    if (Date.now() - setAt < TTL_MS / 2) expect(early).toBe('v');
    await sleep(setAt + 2 * TTL_MS - Date.now());
    expect(await cache.get('config:short')).toBeUndefined();
  });

  it('reloads through wrap once the TTL has passed', async () => {
    let calls = 0;
    const load = async () => ++calls;
    const loadedAt = Date.now();
    expect(await cache.wrap('config:n', TTL_MS, load)).toBe(1);
    const again = await cache.wrap('config:n', TTL_MS, load);
    if (Date.now() - loadedAt < TTL_MS / 2) expect(again).toBe(1);
    await sleep(loadedAt + 2 * TTL_MS - Date.now());
    const calledBefore = calls;
    expect(await cache.wrap('config:n', TTL_MS, load)).toBe(calledBefore + 1);
  });

  it('calls the source once for 100 concurrent misses on one key', async () => {
    let calls = 0;
    const load = async () => {
      calls++;
      await sleep(50);
      return { testId: 't1', score: 97 };
    };
    const results = await Promise.all(
      Array.from({ length: 100 }, () => cache.wrap(cacheKeys.testResult('t1'), undefined, load)),
    );
    expect(calls).toBe(1);
    expect(results.every((r) => r.score === 97)).toBe(true);
    const stats = await cache.stats();
    expect(stats.namespaces['test:result']).toMatchObject({ misses: 1, hits: 99 });
  });

  it('passes the source error through and stores nothing', async () => {
    class SourceError extends Error {}
    await expect(
      cache.wrap('config:broken', undefined, async () => Promise.reject(new SourceError('db down'))),
    ).rejects.toBeInstanceOf(SourceError);
    expect(await cache.wrap('config:broken', undefined, async () => 'fixed')).toBe('fixed');
  });

  it('serves the stale value within the grace period when the source fails', async () => {
    expect(await cache.wrap('config:graced', 100, async () => 'v1')).toBe('v1');
    await sleep(250);
    expect(await cache.wrap('config:graced', 100, async () => Promise.reject(new Error('db down')))).toBe(
      'v1',
    );
    // After a failure the stale value is kept for the grace backoff (10 s), sparing the failing source.
    let calls = 0;
    expect(await cache.wrap('config:graced', 100, async () => String(++calls))).toBe('v1');
    expect(calls).toBe(0);
  });

  it('does not store undefined', async () => {
    expect(await cache.wrap('config:none', undefined, async () => undefined)).toBeUndefined();
    let calls = 0;
    await cache.wrap('config:none', undefined, async () => void calls++);
    expect(calls).toBe(1);
  });

  it('does not store a value loaded before an invalidation of its key', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = cache.wrap(cacheKeys.testResult('race'), undefined, async () => {
      await gate;
      return 'old';
    });
    await sleep(20);
    await cache.del(cacheKeys.testResult('race'));
    release();
    expect(await slow).toBe('old');
    expect(await cache.get(cacheKeys.testResult('race'))).toBeUndefined();
    expect(await cache.wrap(cacheKeys.testResult('race'), undefined, async () => 'new')).toBe('new');
  });

  it('invalidates every entry with a tag', async () => {
    await cache.set(cacheKeys.testResult('a'), 1, { tags: [cacheTags.test('a')] });
    await cache.set('api:GET:/api/tests/a:h1', 2, { tags: [cacheTags.test('a')] });
    await cache.set(cacheKeys.testResult('b'), 3, { tags: [cacheTags.test('b')] });
    await cache.invalidateTags([cacheTags.test('a')]);
    expect(await cache.get(cacheKeys.testResult('a'))).toBeUndefined();
    expect(await cache.get('api:GET:/api/tests/a:h1')).toBeUndefined();
    expect(await cache.get(cacheKeys.testResult('b'))).toBe(3);
    // Entries written after the invalidation are valid again — from the next millisecond: bentocache
    // counts an entry written in the invalidation's own millisecond as invalidated (a miss, never stale).
    const invalidatedAt = Date.now();
    await waitFor(() => Date.now() > invalidatedAt);
    await cache.set(cacheKeys.testResult('a'), 4, { tags: [cacheTags.test('a')] });
    expect(await cache.get(cacheKeys.testResult('a'))).toBe(4);
  });

  it('reloads through wrap, with or without tags, a tagged entry whose tag was invalidated', async () => {
    let calls = 0;
    const load = async () => ++calls;
    const key = cacheKeys.testResult('tagged');
    expect(await cache.wrap(key, undefined, load, { tags: [cacheTags.test('tagged')] })).toBe(1);
    expect(await cache.wrap(key, undefined, load)).toBe(1);
    await cache.invalidateTags([cacheTags.test('tagged')]);
    expect(await cache.wrap(key, undefined, load)).toBe(2);
  });

  it('invalidates by glob pattern and says how many keys went', async () => {
    for (const id of ['p1', 'p2', 'p3'])
      await cache.set(cacheKeys.testResult(id), id, { tags: [cacheTags.test(id)] });
    await cache.set(cacheKeys.userPermissions('u1'), ['read']);
    expect(await cache.invalidatePattern('test:result:p?')).toBe(3);
    for (const id of ['p1', 'p2', 'p3']) expect(await cache.get(cacheKeys.testResult(id))).toBeUndefined();
    expect(await cache.get(cacheKeys.userPermissions('u1'))).toEqual(['read']);
    expect(await cache.invalidatePattern('nothing:*')).toBe(0);
  });

  it('flushes everything', async () => {
    await cache.set(cacheKeys.config('x'), 1);
    await cache.set(cacheKeys.userPermissions('u'), 2);
    await cache.flush();
    expect(await cache.get(cacheKeys.config('x'))).toBeUndefined();
    expect(await cache.get(cacheKeys.userPermissions('u'))).toBeUndefined();
    expect((await cache.stats()).keys.l1).toBe(0);
  });

  it('reports hits, misses, keys and memory', async () => {
    await cache.set(cacheKeys.config('s'), 'x'.repeat(100));
    await cache.get(cacheKeys.config('s'));
    await cache.get(cacheKeys.config('missing'));
    const stats = await cache.stats();
    expect(stats).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5, keys: { l1: 1 } });
    expect(stats.namespaces.config).toEqual({ hits: 1, misses: 1, hitRate: 0.5 });
    expect(stats.memory.l1Bytes).toBeGreaterThan(100);
    if (redis) expect(stats).toMatchObject({ keys: { l2: 1 }, redis: { available: true, errors: 0 } });
    const exposition = await cache.metrics.registry.metrics();
    expect(exposition).toMatch(/testweb_cache_hits_total\{namespace="config",layer="l1"\} 1/);
    expect(exposition).toMatch(/testweb_cache_misses_total\{namespace="config"\} 1/);
  });
});
