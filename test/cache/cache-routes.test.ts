import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheKeys, cacheTags } from '../../src/modules/cache/index.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { buildCacheTestApp } from './cache-test-app.ts';

describe('/api/cache management routes', () => {
  let app: FastifyInstance;
  let admin: TestUser;
  let user: TestUser;

  beforeAll(async () => {
    ({ app } = await buildCacheTestApp());
    admin = await registerUser(app);
    user = await registerUser(app);
    expect(admin.role).toBe('admin');
  });
  afterAll(async () => app.close());

  const call = (method: 'GET' | 'DELETE', url: string, who?: TestUser) =>
    app.inject({ method, url, headers: who?.auth ?? {} });

  it.each([
    ['GET', '/api/cache/stats'],
    ['DELETE', '/api/cache/invalidate?key=config:x'],
    ['DELETE', '/api/cache/flush'],
  ] as const)('refuses %s %s to non-admins (403) and to anonymous callers (401)', async (method, url) => {
    const asUser = await call(method, url, user);
    expect(asUser.statusCode).toBe(403);
    expect(asUser.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await call(method, url)).statusCode).toBe(401);
  });

  it('reports hits, misses and hit rate overall and per namespace', async () => {
    await app.cache.set(cacheKeys.config('site'), 'x');
    await app.cache.get(cacheKeys.config('site'));
    await app.cache.get(cacheKeys.userPermissions('nobody'));
    const res = await call('GET', '/api/cache/stats', admin);
    expect(res.statusCode).toBe(200);
    const stats = res.json<
      Record<string, unknown> & { namespaces: Record<string, { hits: number; misses: number }> }
    >();
    expect(stats).toMatchObject({
      driver: 'memory',
      redis: null,
      keys: { l1: expect.any(Number), l2: null },
    });
    expect(stats.namespaces.config!.hits).toBeGreaterThanOrEqual(1);
    expect(stats.namespaces['user:permissions']!.misses).toBeGreaterThanOrEqual(1);
    expect(stats.hitRate).toEqual(expect.any(Number));
  });

  it('invalidates one key', async () => {
    await app.cache.set(cacheKeys.config('a'), 1);
    await app.cache.set(cacheKeys.config('b'), 2);
    const res = await call('DELETE', '/api/cache/invalidate?key=config:a', admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ by: 'key', target: 'config:a', deleted: null });
    expect(await app.cache.get(cacheKeys.config('a'))).toBeUndefined();
    expect(await app.cache.get(cacheKeys.config('b'))).toBe(2);
  });

  it('invalidates by pattern and by tag', async () => {
    await app.cache.set(cacheKeys.testResult('r1'), 1, { tags: [cacheTags.test('r1')] });
    await app.cache.set(cacheKeys.testResult('r2'), 2, { tags: [cacheTags.test('r2')] });
    const byPattern = await call(
      'DELETE',
      `/api/cache/invalidate?pattern=${encodeURIComponent('test:result:*')}`,
      admin,
    );
    expect(byPattern.json()).toEqual({ by: 'pattern', target: 'test:result:*', deleted: 2 });
    await app.cache.set(cacheKeys.testResult('r3'), 3, { tags: [cacheTags.test('r3')] });
    const byTag = await call('DELETE', '/api/cache/invalidate?tag=test:r3', admin);
    expect(byTag.json()).toMatchObject({ by: 'tag', target: 'test:r3' });
    expect(await app.cache.get(cacheKeys.testResult('r3'))).toBeUndefined();
  });

  it.each([
    ['', ['/querystring/key', '/querystring/pattern', '/querystring/tag']],
    ['?key=config:a&tag=x', ['/querystring/key', '/querystring/tag']],
  ])('answers 400 naming the fields unless exactly one target is given (%s)', async (query, fields) => {
    const res = await call('DELETE', `/api/cache/invalidate${query}`, admin);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field)).toEqual(fields);
  });

  it.each([
    ['pattern=test:result:', 'pattern'],
    ['pattern=test:[ab]*', 'pattern'],
    ['key=has space', 'key'],
    ['tag=' + 'x'.repeat(300), 'tag'],
    ['unknown=1', 'unknown'],
  ])('answers 400 for a malformed target (%s)', async (query, field) => {
    const res = await call('DELETE', `/api/cache/invalidate?${query}`, admin);
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toContain(field);
  });

  it('refuses a pattern without * or ? with a 400 that points to key= for one key', async () => {
    await app.cache.set(cacheKeys.config('abc'), 1);
    const res = await call('DELETE', '/api/cache/invalidate?pattern=abc', admin);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const body = res.json<{ detail: string; errors: Array<{ field: string; message: string }> }>();
    expect(body.errors).toEqual([
      { field: '/querystring/pattern', message: expect.stringContaining('use key=abc') },
    ]);
    expect(body.detail).toContain('key=abc');
    expect(await app.cache.get(cacheKeys.config('abc'))).toBe(1);
  });

  it('flushes the cache', async () => {
    await app.cache.set(cacheKeys.config('f'), 1);
    const res = await call('DELETE', '/api/cache/flush', admin);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ flushed: true });
    expect(await app.cache.get(cacheKeys.config('f'))).toBeUndefined();
  });
});
