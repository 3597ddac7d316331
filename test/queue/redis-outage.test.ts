import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerUser, type TestUser } from '../support/app.ts';
import { REDIS_URL } from '../support/databases.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { buildQueueApp, cleanRedis, queueEnv, waitFor } from './support/queue-app.ts';

if (!REDIS_URL) console.error('[test] the Redis outage suite needs TESTWEB_TEST_REDIS_URL: skipped');

// Skipped without Redis: it takes a real Redis away from a BullMQ-mode app through a TCP proxy.
describe.skipIf(!REDIS_URL)('BullMQ driver while Redis is down', () => {
  let proxy: TcpProxy;
  let app: FastifyInstance;
  let user: TestUser;
  let env: Record<string, string>;

  beforeAll(async () => {
    const target = new URL(REDIS_URL!);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379));
    env = queueEnv('bullmq', { REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    app = await buildQueueApp(env, { driver: 'pglite', dir: null });
    user = await registerUser(app);
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await cleanRedis(env);
  });

  it('still accepts tests (the database is the record), answers 503 for queue status, and runs them once Redis is back', async () => {
    await proxy.stop();
    const started = Date.now();
    const res = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: user.auth,
      payload: { type: 'sleep', url: 'http://127.0.0.1:9/outage', options: { ms: 5 } },
    });
    expect(res.statusCode).toBe(202);
    expect(Date.now() - started).toBeLessThan(6000);
    const { testId } = res.json<{ testId: string }>();
    const status = await app.inject({ method: 'GET', url: '/api/queue/status', headers: user.auth });
    expect(status.statusCode).toBe(503);
    expect(status.headers['content-type']).toContain('application/problem+json');
    expect(
      (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })).json(),
    ).toMatchObject({ status: 'queued' });

    await proxy.start();
    await app.testQueue.reconciler!.run(0);
    await waitFor(
      async () =>
        (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })).json<{
          status: string;
        }>().status === 'completed',
      30_000,
      'the test to run after Redis came back',
    );
  }, 90_000);
});
