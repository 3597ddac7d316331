import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, registerUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';

const PASSWORD = 'a sturdy passphrase 42';

describe.each(TEST_DATABASES)('accounts and sessions on $name', (target) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await target.create();
    drop = created.drop;
    app = await buildTestApp({ REFRESH_REUSE_GRACE: '0s' }, created.config);
  });
  afterAll(async () => {
    await app.close();
    await drop();
  });

  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers });

  it('makes the first account admin and later ones users', async () => {
    const first = await registerUser(app, 'First@Example.test');
    const second = await registerUser(app);
    expect(first.role).toBe('admin');
    expect(first.email).toBe('first@example.test');
    expect(second.role).toBe('user');
  });

  it('refuses a second account for the same e-mail in any case', async () => {
    await registerUser(app, 'dup@example.test');
    const res = await post('/api/auth/register', { email: 'DUP@example.test', password: PASSWORD });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ERR_EMAIL_TAKEN', status: 409 });
  });

  it('refuses short and common passwords, naming the field', async () => {
    const short = await post('/api/auth/register', { email: 'short@example.test', password: 'abc123' });
    expect(short.statusCode).toBe(400);
    expect(short.json().errors).toEqual([
      { field: '/body/password', message: 'must be at least 10 characters' },
    ]);
    const common = await post('/api/auth/register', { email: 'common@example.test', password: 'BasketBall' });
    expect(common.statusCode).toBe(400);
    expect(common.json().errors).toEqual([
      { field: '/body/password', message: expect.stringMatching(/^is too easy to guess: /) },
    ]);
  });

  it('signs in, returns the account from /me, and stores only a hash of the password', async () => {
    const user = await registerUser(app, 'login@example.test');
    const res = await post('/api/auth/login', { email: 'LOGIN@example.test', password: PASSWORD });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      user: { id: user.id, email: 'login@example.test', role: 'user' },
      expiresIn: 900,
    });
    const me = await app.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: user.id, email: 'login@example.test' });
    const row = await app.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('answers an unknown e-mail and a wrong password with the same error', async () => {
    await registerUser(app, 'same@example.test');
    const wrong = await post('/api/auth/login', { email: 'same@example.test', password: 'not the password' });
    const unknown = await post('/api/auth/login', {
      email: 'nobody@example.test',
      password: 'not the password',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
  });

  it('rotates the refresh token on every use', async () => {
    const user = await registerUser(app);
    const first = await post('/api/auth/refresh', { refreshToken: user.refreshToken });
    expect(first.statusCode).toBe(200);
    const next = first.json().refreshToken as string;
    expect(next).not.toBe(user.refreshToken);
    const second = await post('/api/auth/refresh', { refreshToken: next });
    expect(second.statusCode).toBe(200);
    const me = await app.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${second.json().accessToken}` },
    });
    expect(me.json().id).toBe(user.id);
  });

  it('revokes the whole family when a rotated refresh token is used again', async () => {
    const user = await registerUser(app);
    const rotated = await post('/api/auth/refresh', { refreshToken: user.refreshToken });
    const current = rotated.json().refreshToken as string;
    const reuse = await post('/api/auth/refresh', { refreshToken: user.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().code).toBe('ERR_REFRESH_TOKEN_REUSED');
    const afterTheft = await post('/api/auth/refresh', { refreshToken: current });
    expect(afterTheft.statusCode).toBe(401);
    expect(afterTheft.json().code).toBe('ERR_REFRESH_TOKEN_INVALID');
  });

  it('revokes the session on logout', async () => {
    const user = await registerUser(app);
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: user.auth });
    expect(out.statusCode).toBe(204);
    const refresh = await post('/api/auth/refresh', { refreshToken: user.refreshToken });
    expect(refresh.statusCode).toBe(401);
  });

  it('only logs out its own session family', async () => {
    const a = await registerUser(app);
    const b = await registerUser(app);
    await app.inject({ method: 'POST', url: '/api/auth/logout', headers: a.auth });
    expect((await post('/api/auth/refresh', { refreshToken: b.refreshToken })).statusCode).toBe(200);
  });

  it('refuses missing, malformed and forged access tokens', async () => {
    const user = await registerUser(app);
    expect((await app.inject({ url: '/api/auth/me' })).json().code).toBe('ERR_UNAUTHORIZED');
    const bad = await app.inject({ url: '/api/auth/me', headers: { authorization: 'Bearer not.a.jwt' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('ERR_TOKEN_INVALID');
    const [h, p] = user.accessToken.split('.');
    const forged = await app.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${h}.${p}.AAAA` },
    });
    expect(forged.statusCode).toBe(401);
    const unknownRefresh = await post('/api/auth/refresh', { refreshToken: 'x'.repeat(43) });
    expect(unknownRefresh.json().code).toBe('ERR_REFRESH_TOKEN_INVALID');
  });
});

describe('sessions over time', () => {
  it('accepts an access token for its whole lifetime and refuses it as expired after', async () => {
    const app = await buildTestApp({ ACCESS_TOKEN_TTL: '1m' });
    // The app's clock: only Date is faked, timers and I/O run for real. JWT times are whole seconds, so the
    // sign-up happens on a second boundary and the token lives exactly 60 s of this clock.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const start = Date.UTC(2030, 0, 1, 12, 0, 0);
      vi.setSystemTime(start);
      const user = await registerUser(app);
      const me = () => app.inject({ url: '/api/auth/me', headers: user.auth });
      expect((await me()).statusCode).toBe(200);
      vi.setSystemTime(start + 59_999);
      expect((await me()).statusCode).toBe(200);
      vi.setSystemTime(start + 60_000);
      const res = await me();
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('ERR_TOKEN_EXPIRED');
    } finally {
      vi.useRealTimers();
      await app.close();
    }
  });

  it('re-issues a token when a rotated one comes back within the grace window (lost response)', async () => {
    const app = await buildTestApp({ REFRESH_REUSE_GRACE: '30s' });
    try {
      const user = await registerUser(app);
      const first = await app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refreshToken: user.refreshToken },
      });
      const retry = await app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refreshToken: user.refreshToken },
      });
      expect(retry.statusCode).toBe(200);
      // The response that was "lost" no longer works; the retried one does.
      const lost = await app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refreshToken: first.json().refreshToken },
      });
      expect(lost.statusCode).toBe(401);
      const kept = await app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refreshToken: retry.json().refreshToken },
      });
      expect(kept.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('takes similar time for an unknown e-mail and a wrong password', async () => {
    const app = await buildTestApp({ AUTH_RATE_LIMIT_ACCOUNT: '1000/1m', AUTH_RATE_LIMIT_IP: '1000/1m' });
    try {
      await registerUser(app, 'timing@example.test');
      const time = async (email: string) => {
        const start = performance.now();
        await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email, password: 'wrong password here' },
        });
        return performance.now() - start;
      };
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 7; i++) {
        known.push(await time('timing@example.test'));
        unknown.push(await time(`ghost${i}@example.test`));
      }
      const ratio = median(unknown) / median(known);
      // Both paths run one argon2id verification; without the dummy hash the unknown path is ~100× faster.
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    } finally {
      await app.close();
    }
  });
});
