import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, registerUser } from '../support/app.ts';
import { REDIS_URL } from '../support/databases.ts';

describe('auth rate limits', () => {
  let app: FastifyInstance;
  afterEach(() => app.close());

  const login = (email: string, password: string, ip: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: ip });

  it('limits attempts per IP with a 429 problem and Retry-After', async () => {
    app = await buildTestApp({ AUTH_RATE_LIMIT_IP: '5/1m' });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push((await login(`nobody${i}@example.test`, 'wrong password!', '10.1.1.1')).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await login('nobody@example.test', 'wrong password!', '10.1.1.1');
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(limited.json().code).toBe('ERR_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    // Another address is not affected.
    expect((await login('nobody@example.test', 'wrong password!', '10.1.1.2')).statusCode).toBe(401);
  });

  it('limits failed logins per account across addresses, even for the right password', async () => {
    app = await buildTestApp({ AUTH_RATE_LIMIT_ACCOUNT: '3/15m' });
    const user = await registerUser(app, 'target@example.test');
    for (let i = 0; i < 3; i++)
      expect((await login(user.email, 'guess number ' + i, `10.2.0.${i}`)).statusCode).toBe(401);
    const locked = await login(user.email, 'a sturdy passphrase 42', '10.2.0.99');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(60);
  });

  it('limits registrations per IP', async () => {
    app = await buildTestApp({ AUTH_RATE_LIMIT_IP: '2/1m' });
    const reg = (i: number) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: `r${i}@example.test`, password: 'a sturdy passphrase 42' },
        remoteAddress: '10.3.0.1',
      });
    expect((await reg(1)).statusCode).toBe(201);
    expect((await reg(2)).statusCode).toBe(201);
    expect((await reg(3)).statusCode).toBe(429);
  });

  it('forgets failed attempts after a successful login', async () => {
    app = await buildTestApp({ AUTH_RATE_LIMIT_ACCOUNT: '3/15m' });
    const user = await registerUser(app, 'forgiven@example.test');
    await login(user.email, 'typo typo typo', '10.4.0.1');
    await login(user.email, 'typo typo typo', '10.4.0.1');
    expect((await login(user.email, 'a sturdy passphrase 42', '10.4.0.1')).statusCode).toBe(200);
    await login(user.email, 'typo typo typo', '10.4.0.1');
    await login(user.email, 'typo typo typo', '10.4.0.1');
    expect((await login(user.email, 'a sturdy passphrase 42', '10.4.0.1')).statusCode).toBe(200);
  });
});

describe.runIf(REDIS_URL)('auth rate limits on Redis', () => {
  it('share one count across API processes', async () => {
    const env = {
      REDIS_URL: REDIS_URL!,
      REDIS_KEY_PREFIX: `test-rl-${Date.now()}:`,
      AUTH_RATE_LIMIT_IP: '3/1m',
    };
    const a = await buildTestApp(env);
    const b = await buildTestApp(env);
    try {
      const attempt = (app: FastifyInstance) =>
        app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: 'x@example.test', password: 'wrong password!' },
          remoteAddress: '10.9.9.9',
        });
      const codes = [await attempt(a), await attempt(b), await attempt(a), await attempt(b)].map(
        (r) => r.statusCode,
      );
      expect(codes).toEqual([401, 401, 401, 429]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
