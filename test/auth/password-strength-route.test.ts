import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { buildTestApp, testConfig } from '../support/app.ts';

let counter = 0;
const email = () => `meter-${++counter}-${Date.now()}@example.test`;

const strength = (app: FastifyInstance, payload: Record<string, unknown>, ip = '203.0.113.7') =>
  app.inject({ method: 'POST', url: '/api/auth/password/strength', payload, remoteAddress: ip });

describe('POST /api/auth/password/strength (the sign-up meter)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ AUTH_RATE_LIMIT_IP: '1000/1m' });
  });
  afterAll(() => app.close());

  it('answers a weak password with its score, the minimum and zxcvbn’s words, without a token', async () => {
    const res = await strength(app, { password: 'password123' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({ minScore: 3, acceptable: false });
    expect(body.score).toBeLessThan(3);
    expect(body.warning).toMatch(/commonly used password/);
    expect(body.suggestions.length).toBeGreaterThan(0);
  });

  it('accepts a strong passphrase as registration does', async () => {
    const body = (await strength(app, { password: 'a sturdy passphrase 42' })).json();
    expect(body).toEqual({ score: 4, minScore: 3, acceptable: true, warning: null, suggestions: [] });
  });

  it('says a short password is too short, whatever its score', async () => {
    const body = (await strength(app, { password: 'Zq7#vB1!' })).json();
    expect(body).toMatchObject({
      score: 0,
      acceptable: false,
      warning: 'Password must be at least 10 characters',
    });
  });

  it('holds the e-mail address against the password when it is given', async () => {
    const mine = (await strength(app, { password: 'jane.doe.2024', email: 'jane.doe@example.test' })).json();
    expect(mine.acceptable).toBe(false);
    expect(mine.warning).toMatch(/personal/i);
    expect((await strength(app, { password: 'jane.doe.2024' })).json().acceptable).toBe(true);
  });

  it('agrees with registration on every password', async () => {
    for (const password of [
      'password123',
      'qwertyuiop12',
      'tiger lamp 9',
      'correct horse',
      'Tr0ub4dor&3xyz',
      'letmein2024x',
      'Dragon12345!',
    ]) {
      const address = email();
      const judged = (await strength(app, { password, email: address })).json();
      const registered = await app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: address, password },
      });
      expect({ password, accepted: registered.statusCode === 201 }).toEqual({
        password,
        accepted: judged.acceptable,
      });
    }
  });

  it('refuses an unknown property and an over-long password with a 400 naming it', async () => {
    const extra = await strength(app, { password: 'x', role: 'admin' });
    expect(extra.statusCode).toBe(400);
    const long = await strength(app, { password: 'x'.repeat(257) });
    expect(long.statusCode).toBe(400);
    expect(long.json().errors[0].field).toBe('/body/password');
  });
});

describe('the strength route’s limits and logs', () => {
  let app: FastifyInstance;
  const lines: string[] = [];
  beforeAll(async () => {
    const logStream = new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) });
    app = await buildApp({
      config: testConfig({ AUTH_RATE_LIMIT_IP: '2/1m', LOG_LEVEL: 'trace' }),
      logStream,
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('limits checks per IP on a counter of their own (4 × AUTH_RATE_LIMIT_IP), then 429 with Retry-After', async () => {
    for (let i = 0; i < 8; i++)
      expect((await strength(app, { password: `check ${i}` })).statusCode).toBe(200);
    const limited = await strength(app, { password: 'one too many' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('ERR_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address still has its checks, and this one still has its sign-in attempts.
    expect((await strength(app, { password: 'other ip' }, '203.0.113.8')).statusCode).toBe(200);
    const register = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: email(), password: 'a sturdy passphrase 42' },
      remoteAddress: '203.0.113.7',
    });
    expect(register.statusCode).toBe(201);
  });

  it('never writes the password to the log, even at trace level', async () => {
    const secret = 'unlogged meter passphrase 8812';
    expect(
      (await strength(app, { password: secret, email: 'who@example.test' }, '198.51.100.9')).statusCode,
    ).toBe(200);
    expect(lines.join('\n')).toContain('/api/auth/password/strength');
    expect(lines.join('\n')).not.toContain(secret);
  });
});
