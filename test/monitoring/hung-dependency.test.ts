import type { FastifyInstance } from 'fastify';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { POSTGRES_URL, REDIS_URL, TEST_DATABASES } from '../support/databases.ts';
import { dropPrefix, uniquePrefix } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { parseExposition } from './support/exposition.ts';
import { startFreezingProxy, type FreezingProxy } from './support/freezing-proxy.ts';
import { buildMonitoringApp } from './support/monitoring-app.ts';

/** The bound: readiness answers within 2 s whatever a dependency does. */
const READY_BOUND_MS = 2000;

async function timed(app: FastifyInstance, url: string, headers: Record<string, string> = {}) {
  const start = performance.now();
  const res = await app.inject({ url, headers });
  return { res, ms: performance.now() - start };
}

const readyAgain = (app: FastifyInstance) =>
  waitFor(
    async () => (await app.inject({ url: '/health/ready' })).statusCode === 200,
    15_000,
    'ready again',
    100,
  );

// A dependency that hangs needs one behind a network connection the test can freeze: Redis (services
// mode) and PostgreSQL. PGlite lives inside the process.
describe.runIf(REDIS_URL)('a hung Redis (a proxy that stops forwarding)', () => {
  let app: FastifyInstance;
  let proxy: FreezingProxy;
  let admin: TestUser;
  let drop: () => Promise<void>;
  const prefix = uniquePrefix('hung');

  beforeAll(async () => {
    const url = new URL(REDIS_URL!);
    proxy = await startFreezingProxy(url.hostname, Number(url.port || 6379));
    const created = await TEST_DATABASES.at(-1)!.create();
    drop = created.drop;
    app = await buildMonitoringApp(
      { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: prefix },
      created.config,
    );
    admin = await registerUser(app);
  });
  afterAll(async () => {
    proxy?.thaw();
    await app?.close();
    await proxy?.close();
    await drop?.();
    await dropPrefix(prefix);
  });

  it('is reported down while /health/ready and the overview still answer within 2 s', async () => {
    expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(200);
    proxy.freeze();
    const ready = await timed(app, '/health/ready');
    expect(ready.res.statusCode).toBe(503);
    expect(ready.ms).toBeLessThan(READY_BOUND_MS);
    expect(ready.res.headers['content-type']).toMatch(/problem\+json/);
    expect(ready.res.json().detail).toBe('Not ready: redis unavailable (did not answer within 1500 ms)');

    const overview = await timed(app, '/api/monitoring/overview', admin.auth);
    expect(overview.ms).toBeLessThan(READY_BOUND_MS);
    const body = overview.res.json();
    expect(body.status).toBe('down');
    expect(body.redis).toMatchObject({ status: 'down', rttSeconds: null });
    expect(body.redis.reason).toContain('did not answer');
    expect(body.database.status).toBe('ok');
    // BullMQ's counts go through the same Redis: the queue cannot answer either, and says so.
    expect(body.queue).toMatchObject({ status: 'down', waiting: null });
    expect((await app.inject({ url: '/health/live' })).statusCode).toBe(200);

    proxy.thaw();
    await readyAgain(app);
    await waitFor(
      async () =>
        (await app.inject({ url: '/api/monitoring/overview', headers: admin.auth })).json().redis.status ===
        'ok',
      15_000,
      'the overview to see Redis again',
    );
  });
});

describe.runIf(POSTGRES_URL)('a hung PostgreSQL', () => {
  let app: FastifyInstance;
  let proxy: FreezingProxy;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await TEST_DATABASES.find((d) => d.name === 'postgres')!.create();
    drop = created.drop;
    const url = new URL(created.url!);
    proxy = await startFreezingProxy(url.hostname, Number(url.port || 5432));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    // Without the sampler and a worker (which polls the queue table), the only queries are readiness's own.
    app = await buildMonitoringApp(
      {},
      { driver: 'pg', url: url.toString(), poolMax: 5 },
      { monitoring: false, worker: false },
    );
  });
  afterAll(async () => {
    proxy?.thaw();
    await app?.close();
    await proxy?.close();
    await drop?.();
  });

  it('is named in the 503 of /health/ready within 2 s, poll after poll, and readiness recovers', async () => {
    expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(200);
    proxy.freeze();
    // Polled more often than the pool has connections: the probes share one round trip.
    for (let i = 0; i < 7; i++) {
      const ready = await timed(app, '/health/ready');
      expect(ready.res.statusCode).toBe(503);
      expect(ready.ms).toBeLessThan(READY_BOUND_MS);
      expect(ready.res.json().detail).toBe('Not ready: database unavailable (did not answer within 1500 ms)');
    }
    // Every poll waited for the same stuck SELECT 1: one connection in use, nothing queued for the pool.
    const pool = parseExposition((await app.inject({ url: '/metrics' })).body);
    const value = (name: string, state?: string) =>
      pool.get(name)!.samples.find((x) => x.labels.state === state)?.value;
    expect(value('testweb_db_pool_connections', 'in_use')).toBe(1);
    expect(value('testweb_db_pool_waiting_clients')).toBe(0);
    proxy.thaw();
    await readyAgain(app);
  });
});
