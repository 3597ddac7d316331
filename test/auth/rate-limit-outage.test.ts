import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';
import { REDIS_URL } from '../support/databases.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

if (!REDIS_URL)
  console.error('[test] TESTWEB_TEST_REDIS_URL is not set: the rate-limit outage suite is skipped');

const RECOVERY_DEADLINE_MS = 20_000; // ioredis retries at most every 2 s
// One attempt; waiting for the connection's retries instead of falling back took 7–18 s.
const OUTAGE_ANSWER_BOUND_MS = 5_000;

describe.runIf(REDIS_URL)('auth rate limits while Redis is unreachable', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  const attempt = (app: FastifyInstance, ip: string) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'nobody@example.test', password: 'wrong password!' },
      remoteAddress: ip,
    });
  const codes = async (calls: [FastifyInstance, string][]) => {
    const out: number[] = [];
    for (const [app, ip] of calls) out.push((await attempt(app, ip)).statusCode);
    return out;
  };

  it('fall back to each process’s memory, and share one count again once Redis is back', async () => {
    const redis = new URL(REDIS_URL!);
    const proxy: TcpProxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    cleanup.push(() => proxy.close());
    const env = {
      REDIS_KEY_PREFIX: `test-rl-outage-${process.pid}-${Date.now()}:`,
      AUTH_RATE_LIMIT_IP: '3/1m',
      AUTH_RATE_LIMIT_ACCOUNT: '1000/1m',
    };
    const a = await buildTestApp({ ...env, REDIS_URL: `redis://127.0.0.1:${proxy.port}` });
    cleanup.push(() => a.close());
    const b = await buildTestApp({ ...env, REDIS_URL: REDIS_URL! });
    cleanup.push(() => b.close());

    // Redis up: the two processes spend one budget per address.
    expect(
      await codes([
        [a, '10.20.0.1'],
        [b, '10.20.0.1'],
        [a, '10.20.0.1'],
        [b, '10.20.0.1'],
      ]),
    ).toEqual([401, 401, 401, 429]);

    // Redis gone for A: logins are still answered without waiting for Redis (about 50 ms; the first up to
    // ~0.7 s, sent before the dead connection is noticed), and limited by A's own count.
    await proxy.stop();
    for (const expected of [401, 401, 401, 429]) {
      const started = performance.now();
      const status = (await attempt(a, '10.20.0.2')).statusCode;
      expect({ status, waited: performance.now() - started > OUTAGE_ANSWER_BOUND_MS }).toEqual({
        status: expected,
        waited: false,
      });
    }
    // B, still on Redis, never saw those attempts.
    expect(await codes([[b, '10.20.0.2']])).toEqual([401]);

    // Redis back: once A is reconnected, an address B used up is used up for A too.
    await proxy.start();
    const deadline = Date.now() + RECOVERY_DEADLINE_MS;
    for (let probe = 1; ; probe++) {
      const ip = `10.20.1.${probe}`;
      await codes([
        [b, ip],
        [b, ip],
        [b, ip],
      ]);
      if ((await attempt(a, ip)).statusCode === 429) break;
      if (Date.now() > deadline)
        throw new Error(
          `A did not use the shared count within ${RECOVERY_DEADLINE_MS} ms of Redis coming back`,
        );
    }
    expect(
      await codes([
        [a, '10.20.2.1'],
        [b, '10.20.2.1'],
        [a, '10.20.2.1'],
        [b, '10.20.2.1'],
      ]),
    ).toEqual([401, 401, 401, 429]);
  });
});
