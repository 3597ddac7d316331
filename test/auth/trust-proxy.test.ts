import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';

/** Real HTTP over a real socket from 127.0.0.1: inject would let the test choose the peer address. */
describe('the per-IP auth limit behind a reverse proxy', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(trustProxy: boolean): Promise<(forwardedFor?: string) => Promise<number>> {
    app = await buildTestApp({
      TRUST_PROXY: String(trustProxy),
      AUTH_RATE_LIMIT_IP: '2/1m',
      AUTH_RATE_LIMIT_ACCOUNT: '1000/1m',
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    return async (forwardedFor) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
        body: JSON.stringify({ email: 'nobody@example.test', password: 'wrong password!' }),
      });
      await res.arrayBuffer();
      return res.status;
    };
  }

  it('with TRUST_PROXY=true, gives each forwarded client address a budget of its own', async () => {
    const login = await start(true);
    expect([await login('198.51.100.1'), await login('198.51.100.1'), await login('198.51.100.1')]).toEqual([
      401, 401, 429,
    ]);
    expect(await login('198.51.100.2')).toBe(401);
    // The client is the first address of the chain the proxies built.
    expect(await login('198.51.100.2, 10.0.0.1')).toBe(401);
    expect(await login('198.51.100.2, 10.0.0.2')).toBe(429);
    // The proxy's own address (the socket peer) is yet another budget.
    expect(await login()).toBe(401);
  });

  it('with TRUST_PROXY=false, ignores X-Forwarded-For and counts the socket peer', async () => {
    const login = await start(false);
    expect([
      await login('198.51.100.1'),
      await login('198.51.100.2'),
      await login('198.51.100.3'),
      await login(),
    ]).toEqual([401, 401, 429, 429]);
  });
});
