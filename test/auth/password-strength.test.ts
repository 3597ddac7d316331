import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { createPasswordPolicy } from '../../src/modules/auth/password-policy.ts';
import { TEST_SECRETS, buildTestApp } from '../support/app.ts';

let counter = 0;
const email = (name = 'pw') => `${name}-${++counter}-${Date.now()}@example.test`;

describe('password strength at registration', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ AUTH_RATE_LIMIT_IP: '1000/1m' });
  });
  afterAll(() => app.close());

  const register = (address: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: address, password } });

  it.each(['password123', 'qwertyuiop12'])(
    'refuses %s with a problem saying why and what would be stronger',
    async (password) => {
      const address = email();
      const res = await register(address, password);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = res.json();
      expect(body).toMatchObject({ status: 400, code: 'ERR_VALIDATION' });
      expect(body.detail).toMatch(
        /^Password is too easy to guess \(strength [01] of 4, at least 3 needed\)\. .*commonly used password.*Add more words that are less common\./,
      );
      expect(body.errors).toEqual([
        {
          field: '/body/password',
          message: expect.stringMatching(/^is too easy to guess: .*commonly used password.* Add more words/),
        },
      ]);
      // Nothing was created: the address is still free.
      expect((await register(address, 'a sturdy passphrase 42')).statusCode).toBe(201);
    },
  );

  it('holds the account’s own e-mail address against its password', async () => {
    const mine = await register('jane.doe@example.test', 'jane.doe.2024');
    expect(mine.statusCode).toBe(400);
    expect(mine.json().errors[0].message).toMatch(/personal/);
    // The same password is fine for someone whose address it does not spell.
    expect((await register('someone@elsewhere.test', 'jane.doe.2024')).statusCode).toBe(201);
  });

  it('accepts a strong passphrase and still refuses a short one by length', async () => {
    expect((await register(email(), 'tiger lamp 9')).statusCode).toBe(201);
    const short = await register(email(), 'Zq7#vB1!');
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([
      { field: '/body/password', message: 'must be at least 10 characters' },
    ]);
  });
});

describe('PASSWORD_MIN_SCORE', () => {
  it('sets the strength a password needs', async () => {
    const lenient = await buildTestApp({ PASSWORD_MIN_SCORE: '0' });
    const strict = await buildTestApp({ PASSWORD_MIN_SCORE: '4' });
    try {
      const register = (app: FastifyInstance, password: string) =>
        app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: email(), password } });
      expect((await register(lenient, 'password123')).statusCode).toBe(201);
      const refused = await register(strict, 'tiger lamp 9'); // scores 3
      expect(refused.statusCode).toBe(400);
      expect(refused.json().detail).toMatch(/strength 3 of 4, at least 4 needed/);
      expect((await register(strict, 'a sturdy passphrase 42')).statusCode).toBe(201);
    } finally {
      await lenient.close();
      await strict.close();
    }
  });

  it('defaults to 3 and refuses anything but 0–4, naming the variable', () => {
    const load = (env: Record<string, string>) =>
      loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'memory://', ...TEST_SECRETS, ...env }).config;
    expect(load({}).passwordMinScore).toBe(3);
    expect(() => load({ PASSWORD_MIN_SCORE: '5' })).toThrow(ConfigError);
    expect(() => load({ PASSWORD_MIN_SCORE: '5' })).toThrow(/^PASSWORD_MIN_SCORE: expected an integer 0–4/);
  });
});

describe('the cost of a strength check', () => {
  it('stays small even for the longest, most substitution-heavy password', () => {
    const policy = createPasswordPolicy({ minScore: 3 });
    policy.check('warm up the estimator 1');
    const worst = '4@8(3$1!0|7+9'.repeat(20).slice(0, 256);
    const start = performance.now();
    expect(() => policy.check(worst)).not.toThrow(/at most/);
    // About 30 ms measured; zxcvbn's defaults took over a second here, blocking every other request meanwhile.
    expect(performance.now() - start).toBeLessThan(600);
  });
});
