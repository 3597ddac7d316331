import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/app.ts';

const COOKIE_MODE = { 'x-testweb-session': 'cookie' };
const PASSWORD = 'a sturdy passphrase 42';

function refreshCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const set = [res.headers['set-cookie']].flat().map(String);
  return set.find((c) => c.startsWith('testweb_refresh='));
}

describe('the browser session: refresh token in an HttpOnly cookie (X-TestWeb-Session: cookie)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => app.close());

  async function signUp(email: string) {
    return app.inject({
      method: 'POST',
      url: '/api/auth/register',
      headers: COOKIE_MODE,
      payload: { email, password: PASSWORD },
    });
  }

  it('keeps the refresh token out of the JSON and in an HttpOnly SameSite=Strict cookie scoped to /api/auth', async () => {
    const res = await signUp('cookie-a@example.test');
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.accessToken).toEqual(expect.any(String));
    expect(body).not.toHaveProperty('refreshToken');
    const cookie = refreshCookie(res)!;
    expect(cookie).toMatch(
      /^testweb_refresh=[^;]+; Path=\/api\/auth; Max-Age=\d+; HttpOnly; SameSite=Strict/,
    );
    expect(cookie).not.toMatch(/Secure/); // PUBLIC_URL is http here
  });

  it('refreshes from the cookie alone, rotating it, and signs in the same way', async () => {
    await signUp('cookie-b@example.test');
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: COOKIE_MODE,
      payload: { email: 'cookie-b@example.test', password: PASSWORD },
    });
    const first = refreshCookie(login)!.split(';')[0]!;
    const refreshed = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { ...COOKIE_MODE, cookie: first },
      payload: {},
    });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json()).not.toHaveProperty('refreshToken');
    const second = refreshCookie(refreshed)!.split(';')[0]!;
    expect(second).not.toBe(first);
    const me = await app.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${refreshed.json().accessToken}` },
    });
    expect(me.json().email).toBe('cookie-b@example.test');
  });

  it('refuses a cookie without the header (the CSRF defence): the body must then carry the token', async () => {
    const cookie = refreshCookie(await signUp('cookie-c@example.test'))!.split(';')[0]!;
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { cookie },
      payload: {},
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: '/body/refreshToken', message: 'is required' }]);
  });

  it('answers 401 without a cookie, and clears the cookie when a refresh is refused', async () => {
    const none = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: COOKIE_MODE,
      payload: {},
    });
    expect(none.statusCode).toBe(401);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { ...COOKIE_MODE, cookie: 'testweb_refresh=not-a-token' },
      payload: {},
    });
    expect(bad.statusCode).toBe(401);
    expect(refreshCookie(bad)).toMatch(/^testweb_refresh=; .*Max-Age=0/);
  });

  it('signing out revokes the session and clears the cookie', async () => {
    const reg = await signUp('cookie-d@example.test');
    const cookie = refreshCookie(reg)!.split(';')[0]!;
    const out = await app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...COOKIE_MODE, authorization: `Bearer ${reg.json().accessToken}` },
    });
    expect(out.statusCode).toBe(204);
    expect(refreshCookie(out)).toMatch(/Max-Age=0/);
    const again = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { ...COOKIE_MODE, cookie },
      payload: {},
    });
    expect(again.statusCode).toBe(401);
  });

  it('leaves API clients as they were: no header, the token in the JSON and no cookie', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'cookie-e@example.test', password: PASSWORD },
    });
    expect(res.json().refreshToken).toEqual(expect.any(String));
    expect(refreshCookie(res)).toBeUndefined();
  });
});
