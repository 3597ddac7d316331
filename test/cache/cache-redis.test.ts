import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cachedResponse, cacheKeys } from '../../src/modules/cache/index.ts';
import { createCacheService } from '../../src/modules/cache/cache.service.ts';
import { createRedisFactory } from '../../src/shared/redis/index.ts';
import { registerUser, testConfig, type TestUser } from '../support/app.ts';
import { REDIS_URL } from '../support/databases.ts';
import {
  buildCacheTestApp,
  closedPort,
  dropPrefix,
  uniquePrefix,
  waitFor,
  type CacheTestApp,
} from './cache-test-app.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

/** A proxy in front of the shared Redis, so a test can cut "Redis" off without touching the real server. */
async function redisProxy(): Promise<TcpProxy & { url: string }> {
  const target = new URL(REDIS_URL!);
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
  return Object.assign(proxy, { url: `redis://127.0.0.1:${proxy.port}` });
}

if (!REDIS_URL)
  console.error(
    '[test] TESTWEB_TEST_REDIS_URL is not set: the Redis cache suite (L2, bus, Redis failures) is skipped',
  );

function routes(app: FastifyInstance) {
  let n = 0;
  app.get('/api/cache-test/counter', { config: { responseCache: cachedResponse(app) } }, async () => ({
    n: ++n,
  }));
}

const logLines = (t: CacheTestApp, msg: string) =>
  t.logs.filter((l) => typeof l.msg === 'string' && l.msg.includes(msg));

// Skipped without TESTWEB_TEST_REDIS_URL: there is no Redis to share or to lose.
describe.skipIf(!REDIS_URL)('cache on Redis (L1 + L2 + bus)', () => {
  const opened: Array<{ close(): Promise<unknown> }> = [];
  const prefixes: string[] = [];
  const proxies: TcpProxy[] = [];

  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close();
    for (const p of proxies.splice(0)) await p.stop();
  });
  afterAll(async () => {
    for (const p of prefixes) await dropPrefix(REDIS_URL!, p);
    await dropPrefix(REDIS_URL!, 'twcache-');
  });

  async function apps(env: Record<string, string>, count: number): Promise<CacheTestApp[]> {
    const out: CacheTestApp[] = [];
    for (let i = 0; i < count; i++) {
      const t = await buildCacheTestApp(env, { routes });
      opened.push(t.app);
      out.push(t);
    }
    return out;
  }

  it('shares entries through Redis and invalidation reaches every app instance', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const [a, b] = await apps({ REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: prefix }, 2);
    expect(a!.app.cache.driver).toBe('memory+redis');
    await a!.app.cache.set(cacheKeys.config('shared'), 'v1');
    expect(await b!.app.cache.get(cacheKeys.config('shared'))).toBe('v1'); // from L2, now in B's L1 too
    await a!.app.cache.del(cacheKeys.config('shared'));
    await waitFor(async () => (await b!.app.cache.get(cacheKeys.config('shared'))) === undefined);

    // Through HTTP: B caches a response, the admin invalidates on A, B misses again.
    const admin = await registerUser(a!.app);
    const user: TestUser = await registerUser(a!.app); // same JWT secret: B accepts A's tokens
    const get = () => b!.app.inject({ method: 'GET', url: '/api/cache-test/counter', headers: user.auth });
    await get();
    expect((await get()).headers['x-cache']).toBe('HIT');
    const inv = await a!.app.inject({
      method: 'DELETE',
      url: `/api/cache/invalidate?pattern=${encodeURIComponent('api:GET:/api/cache-test/*')}`,
      headers: admin.auth,
    });
    expect(inv.json()).toMatchObject({ by: 'pattern', deleted: 1 });
    await waitFor(async () => (await get()).headers['x-cache'] === 'MISS');

    // Event-driven: a TestCompleted published on A drops the result cached on B.
    await b!.app.cache.set(cacheKeys.testResult('t-x'), { score: 1 });
    await a!.app.events.publish('TestCompleted', {
      testId: 't-x',
      userId: user.id,
      type: 'api',
      url: 'http://127.0.0.1/',
      passed: true,
      score: 1,
      metrics: {},
    });
    await waitFor(async () => (await b!.app.cache.get(cacheKeys.testResult('t-x'))) === undefined);
  });

  it('serves from the source when Redis is unreachable from the start, with a log line and a metric', async () => {
    const logs: Array<{ msg: string }> = [];
    const log = {
      warn: (_o: object, msg: string) => void logs.push({ msg }),
      info: () => undefined,
      error: (_o: object, msg: string) => void logs.push({ msg }),
    };
    const cache = createCacheService({
      config: testConfig({ CACHE_REDIS_TIMEOUT: '200ms' }).cache,
      redis: createRedisFactory(`redis://127.0.0.1:${await closedPort()}`, uniquePrefix()),
      log,
    });
    opened.push(cache);
    let calls = 0;
    const started = Date.now();
    expect(await cache.wrap(cacheKeys.config('x'), undefined, async () => ++calls)).toBe(1);
    expect(await cache.wrap(cacheKeys.config('x'), undefined, async () => ++calls)).toBe(1); // from L1
    await cache.set(cacheKeys.config('y'), 2);
    await cache.del(cacheKeys.config('y'));
    expect(Date.now() - started).toBeLessThan(3000);
    const stats = await cache.stats();
    expect(stats.redis).toMatchObject({ available: false });
    await waitFor(() => logs.some((l) => l.msg.includes('Redis unavailable')));
    expect(await cache.metrics.registry.metrics()).toMatch(
      /testweb_cache_errors_total\{source="redis"\} [1-9]/,
    );
  });

  it('keeps answering 200 when Redis goes away mid-run, says so in /api/cache/stats, and recovers', async () => {
    const proxy = await redisProxy();
    proxies.push(proxy);
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const [t] = await apps(
      {
        REDIS_URL: proxy.url,
        REDIS_KEY_PREFIX: prefix,
        CACHE_REDIS_TIMEOUT: '200ms',
        CACHE_REDIS_BREAKER: '1s',
      },
      1,
    );
    const admin = await registerUser(t!.app);
    const get = () => t!.app.inject({ method: 'GET', url: '/api/cache-test/counter', headers: admin.auth });
    expect((await get()).statusCode).toBe(200);
    await proxy.stop();
    for (let i = 0; i < 5; i++) expect((await get()).statusCode).toBe(200);
    await t!.app.cache.set(cacheKeys.config('during-outage'), 1);
    await t!.app.cache.invalidateTags(['user:nobody']);
    const stats = await t!.app.inject({ method: 'GET', url: '/api/cache/stats', headers: admin.auth });
    expect(stats.statusCode).toBe(200);
    expect(stats.json()).toMatchObject({ driver: 'memory+redis', redis: { available: false } });
    await waitFor(() => logLines(t!, 'Redis unavailable').length > 0);
    expect(logLines(t!, 'Redis unavailable')[0]).toMatchObject({ level: 40 });
    // Restored before the app closes: other modules' shutdown waits for Redis (see the cache report).
    await proxy.start();
    await waitFor(async () => (await t!.app.cache.stats()).redis?.available === true, 10_000);
    expect((await get()).statusCode).toBe(200);
  });

  it('replays the invalidations made during an outage once Redis is back', async () => {
    const proxy = await redisProxy();
    proxies.push(proxy);
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const silent = { warn: () => undefined, info: () => undefined, error: () => undefined };
    const cache = createCacheService({
      config: testConfig({ CACHE_REDIS_TIMEOUT: '200ms', CACHE_REDIS_BREAKER: '1s' }).cache,
      redis: createRedisFactory(proxy.url, prefix),
      log: silent,
    });
    opened.push(cache);
    const direct = new Redis(REDIS_URL!);
    opened.push({ close: () => direct.quit() });
    await cache.set(cacheKeys.testResult('stale'), 'old');
    expect(await direct.exists(`${prefix}cache:test:result:stale`)).toBe(1);
    await proxy.stop();
    await cache.del(cacheKeys.testResult('stale')); // L1 drops it; Redis cannot be told
    expect(await direct.exists(`${prefix}cache:test:result:stale`)).toBe(1);
    await cache.set(cacheKeys.config('during-outage'), 'l1 only');
    expect(await cache.get(cacheKeys.config('during-outage'))).toBe('l1 only');
    await proxy.start();
    await waitFor(async () => (await direct.exists(`${prefix}cache:test:result:stale`)) === 0, 10_000);
    expect(await cache.get(cacheKeys.testResult('stale'))).toBeUndefined();
    // The bus subscriber missed whatever was published meanwhile, so the L1 was dropped on reconnect.
    await waitFor(async () => (await cache.get(cacheKeys.config('during-outage'))) === undefined, 10_000);
  });
});
