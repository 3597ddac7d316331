import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedResponse, cacheTags } from '../../src/modules/cache/index.ts';
import { createPassThroughCache } from '../../src/modules/cache/pass-through-cache.ts';
import { registerResponseCache } from '../../src/modules/cache/response-cache.hook.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { buildCacheTestApp } from './cache-test-app.ts';

/** Test-only routes that opt into the response cache; each counts how often its handler ran. */
function routes(calls: { n: number }) {
  return (app: FastifyInstance) => {
    app.get('/api/cache-test/whoami', { config: { responseCache: cachedResponse(app) } }, async (req) => {
      calls.n++;
      return { userId: req.user!.id, query: req.query, n: calls.n };
    });
    app.get<{ Querystring: { status?: string } }>(
      '/api/cache-test/status',
      {
        config: {
          responseCache: cachedResponse(app, { ttlMs: 60_000, tags: () => [cacheTags.test('t-1')] }),
        },
      },
      async (req, reply) => {
        calls.n++;
        if (req.query.status === '404') return reply.status(404).send({ n: calls.n });
        return { n: calls.n };
      },
    );
    app.get('/api/cache-test/plain', async () => ({ n: ++calls.n }));
  };
}

describe('response cache', () => {
  const calls = { n: 0 };
  let app: FastifyInstance;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    ({ app } = await buildCacheTestApp({}, { routes: routes(calls) }));
    await registerUser(app); // the first account is admin; alice and bob are plain users
    alice = await registerUser(app);
    bob = await registerUser(app);
  });
  afterAll(async () => app.close());

  const get = (url: string, user: TestUser, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers: { ...user.auth, ...headers } });

  it('answers a repeated GET from the cache with X-Cache: HIT, without running the handler', async () => {
    const first = await get('/api/cache-test/whoami?x=1', alice);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    const before = calls.n;
    const second = await get('/api/cache-test/whoami?x=1', alice);
    expect(second.statusCode).toBe(200);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.json()).toEqual(first.json());
    expect(calls.n).toBe(before);
  });

  it("never serves one user's cached response to another", async () => {
    const a = await get('/api/cache-test/whoami?same=1', alice);
    expect(a.json()).toMatchObject({ userId: alice.id });
    expect((await get('/api/cache-test/whoami?same=1', alice)).headers['x-cache']).toBe('HIT');
    const b = await get('/api/cache-test/whoami?same=1', bob);
    expect(b.headers['x-cache']).toBe('MISS');
    expect(b.json()).toMatchObject({ userId: bob.id });
  });

  it('treats the same query parameters in another order as the same request', async () => {
    const first = await get('/api/cache-test/whoami?b=2&a=1', alice);
    expect(first.headers['x-cache']).toBe('MISS');
    const reordered = await get('/api/cache-test/whoami?a=1&b=2', alice);
    expect(reordered.headers['x-cache']).toBe('HIT');
    const different = await get('/api/cache-test/whoami?a=1&b=3', alice);
    expect(different.headers['x-cache']).toBe('MISS');
  });

  it('bypasses the lookup when the client sends Cache-Control: no-cache, and stores the fresh response', async () => {
    const first = await get('/api/cache-test/whoami?fresh=1', alice);
    const fresh = await get('/api/cache-test/whoami?fresh=1', alice, { 'cache-control': 'no-cache' });
    expect(fresh.headers['x-cache']).toBe('MISS');
    expect(fresh.json<{ n: number }>().n).toBeGreaterThan(first.json<{ n: number }>().n);
    await new Promise((r) => setTimeout(r, 20)); // the store is not awaited by the response
    const after = await get('/api/cache-test/whoami?fresh=1', alice);
    expect(after.headers['x-cache']).toBe('HIT');
    expect(after.json()).toEqual(fresh.json());
  });

  it('stores only 200 responses', async () => {
    expect((await get('/api/cache-test/status?status=404', alice)).statusCode).toBe(404);
    const again = await get('/api/cache-test/status?status=404', alice);
    expect(again.statusCode).toBe(404);
    expect(again.headers['x-cache']).toBe('MISS');
  });

  it('drops a tagged response when its tag is invalidated', async () => {
    await get('/api/cache-test/status', alice);
    expect((await get('/api/cache-test/status', alice)).headers['x-cache']).toBe('HIT');
    await app.cache.invalidateTags([cacheTags.test('t-1')]);
    expect((await get('/api/cache-test/status', alice)).headers['x-cache']).toBe('MISS');
  });

  it('leaves routes that did not opt in alone', async () => {
    const res = await get('/api/cache-test/plain', alice);
    expect(res.headers['x-cache']).toBeUndefined();
    expect((await get('/api/cache-test/plain', alice)).json<{ n: number }>().n).toBe(
      res.json<{ n: number }>().n + 1,
    );
  });

  it('still refuses an anonymous request to a cached route', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/cache-test/whoami?x=1' })).statusCode).toBe(401);
  });
});

describe('response cache wiring at start-up', () => {
  const plain = async () => ({ ok: true });

  it('fails loudly when a route opts in before the cache module is registered', () => {
    const app = Fastify();
    expect(() => app.get('/early', { config: { responseCache: cachedResponse(app) } }, plain)).toThrow(
      /Register cacheModule\(\.\.\.\) before the modules whose routes opt in/,
    );
  });

  it('fails at ready() when an opting-in route lives in a context created before the cache module', async () => {
    const app = Fastify();
    let early: FastifyInstance | undefined;
    await app.register(async (child) => void (early = child));
    registerResponseCache(app, createPassThroughCache());
    early!.get('/too-early', { config: { responseCache: cachedResponse(early!) } }, plain);
    await expect(app.ready()).rejects.toThrow(/would never be cached/);
  });

  it('refuses an opt-in on a route that is not a GET, and one not made with cachedResponse', () => {
    const app = Fastify();
    registerResponseCache(app, createPassThroughCache());
    expect(() => app.post('/write', { config: { responseCache: cachedResponse(app) } }, plain)).toThrow(
      /only GET routes/,
    );
    expect(() => app.get('/raw', { config: { responseCache: true as never } }, plain)).toThrow(
      /must be made with cachedResponse/,
    );
  });

  it('answers X-Cache on the routes that opted in after it, and runs no cache code for the others', async () => {
    const app = Fastify();
    registerResponseCache(app, createPassThroughCache());
    app.get('/cached', { config: { responseCache: cachedResponse(app) } }, plain);
    app.get('/plain', plain);
    await app.ready();
    expect((await app.inject('/cached')).headers['x-cache']).toBe('MISS');
    expect((await app.inject('/plain')).headers['x-cache']).toBeUndefined();
    await app.close();
  });
});
