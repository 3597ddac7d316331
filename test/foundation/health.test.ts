import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/app.ts';
import { POSTGRES_URL, REDIS_URL } from '../support/databases.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

/** Polls /health/ready for up to 10 s while a dependency reconnects; the last status seen. */
async function readinessAfterRecovery(app: FastifyInstance): Promise<number> {
  let status = 0;
  for (let i = 0; i < 40 && status !== 200; i++) {
    status = (await app.inject({ url: '/health/ready' })).statusCode;
    if (status !== 200) await new Promise((r) => setTimeout(r, 250));
  }
  return status;
}

describe.each(TEST_DATABASES)('health on $name', (target) => {
  it('is live and ready while the database answers', async () => {
    const created = await target.create();
    const app = await buildTestApp({}, created.config);
    try {
      expect((await app.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' });
      const ready = await app.inject({ url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
    } finally {
      await app.close();
      await created.drop();
    }
  });
});

// Taking a database away needs one behind a network connection: PostgreSQL through a proxy the test
// controls. The embedded PGlite lives inside the process and cannot go away on its own.
describe.runIf(POSTGRES_URL)('readiness while PostgreSQL goes away and comes back', () => {
  let app: FastifyInstance;
  let proxy: TcpProxy;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await TEST_DATABASES.find((d) => d.name === 'postgres')!.create();
    drop = created.drop;
    const url = new URL(created.url!);
    proxy = await startTcpProxy(url.hostname, Number(url.port || 5432));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    app = await buildTestApp({}, { driver: 'pg', url: url.toString(), poolMax: 3 });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await drop?.();
  });

  it('answers 503 problem+json while the database is down and recovers by itself', async () => {
    expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(200);
    await proxy.stop();
    const down = await app.inject({ url: '/health/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['content-type']).toMatch(/problem\+json/);
    expect(down.json()).toMatchObject({
      code: 'ERR_UNAVAILABLE',
      detail: 'Not ready: database unavailable (unreachable)',
    });
    expect((await app.inject({ url: '/health/live' })).statusCode).toBe(200);
    // A request that needs the database fails cleanly, without crashing the process.
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'a@example.test', password: 'whatever password' },
    });
    expect(login.statusCode).toBe(503);
    expect(login.json().code).toBe('ERR_DATABASE_UNAVAILABLE');
    expect(login.body).not.toMatch(/ECONN|127\.0\.0\.1|postgres:/i);
    await proxy.start();
    expect(await readinessAfterRecovery(app)).toBe(200);
    const register = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'back@example.test', password: 'a sturdy passphrase 42' },
    });
    expect(register.statusCode).toBe(201);
  });
});

describe.runIf(REDIS_URL)('readiness with Redis configured', () => {
  it('checks Redis too, answering 503 while it is unreachable and recovering after', async () => {
    const url = new URL(REDIS_URL!);
    const proxy = await startTcpProxy(url.hostname, Number(url.port || 6379));
    const app = await buildTestApp({
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      REDIS_KEY_PREFIX: `test-health-${Date.now()}:`,
    });
    try {
      const ready = await app.inject({ url: '/health/ready' });
      expect(ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', redis: 'ok' } });
      await proxy.stop();
      const down = await app.inject({ url: '/health/ready' });
      expect(down.statusCode).toBe(503);
      expect(down.json().detail).toMatch(/^Not ready: redis unavailable \((unreachable|not connected.*)\)$/);
      await proxy.start();
      expect(await readinessAfterRecovery(app)).toBe(200);
    } finally {
      await app.close();
      await proxy.close();
    }
  });
});
