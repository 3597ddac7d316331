import type { FastifyInstance } from 'fastify';
import { SignJWT, decodeJwt, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessTokens, VERIFIED_TOKENS_KEPT } from '../../src/modules/auth/tokens.ts';
import { TEST_SECRETS, buildTestApp, registerUser, type TestUser } from '../support/app.ts';

const key = new TextEncoder().encode(TEST_SECRETS.JWT_SECRET);

/** A token signed with the app's real key, carrying exactly the claims given. */
function handSigned(claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key);
}

describe('access tokens', () => {
  let app: FastifyInstance;
  let user: TestUser;
  let claims: JWTPayload;

  beforeAll(async () => {
    app = await buildTestApp();
    user = await registerUser(app);
    claims = decodeJwt(user.accessToken);
  });
  afterAll(() => app.close());

  const me = (token: string) =>
    app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });

  it('accepts a hand-signed token carrying every claim (so the refusals below are about the claim)', async () => {
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'role', 'sid', 'sub']);
    const res = await me(await handSigned(claims));
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(user.id);
  });

  it.each(['exp', 'iat', 'iss', 'aud'])('refuses a correctly signed token without %s', async (claim) => {
    const { [claim]: _dropped, ...rest } = claims;
    const res = await me(await handSigned(rest));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ status: 401, code: 'ERR_TOKEN_INVALID' });
  });

  it('marks every answer carrying tokens as not to be stored', async () => {
    const email = `no-store-${Date.now()}@example.test`;
    const password = 'a sturdy passphrase 42';
    const register = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email, password },
    });
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    const refresh = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: login.json().refreshToken },
    });
    for (const res of [register, login, refresh]) {
      expect(res.json().accessToken).toEqual(expect.any(String));
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
    }
  });
});

describe('access token expiry on an injected clock', () => {
  it('is valid until exactly its lifetime has passed, then ERR_TOKEN_EXPIRED', async () => {
    let now = Date.UTC(2030, 0, 1, 12, 0, 0); // on a second boundary: JWT times are whole seconds
    const tokens = await createAccessTokens(TEST_SECRETS.JWT_SECRET, 60_000, () => now);
    const token = await tokens.sign({ id: 'u1', role: 'user' }, 's1');
    now += 59_999;
    await expect(tokens.verify(token)).resolves.toEqual({ id: 'u1', role: 'user', sessionId: 's1' });
    now += 1;
    await expect(tokens.verify(token)).rejects.toMatchObject({ status: 401, code: 'ERR_TOKEN_EXPIRED' });
  });
});

describe('verified tokens are remembered', () => {
  it('a remembered token still expires on the clock, a tampered copy is still refused, and the memory is bounded', async () => {
    let now = Date.UTC(2030, 0, 1, 12, 0, 0);
    const tokens = await createAccessTokens(TEST_SECRETS.JWT_SECRET, 60_000, () => now);
    const token = await tokens.sign({ id: 'u1', role: 'admin' }, 's1');
    await expect(tokens.verify(token)).resolves.toEqual({ id: 'u1', role: 'admin', sessionId: 's1' });
    // A caller changing the answer does not change what the next request is told.
    (await tokens.verify(token)).role = 'user';
    await expect(tokens.verify(token)).resolves.toMatchObject({ role: 'admin' });
    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature!.slice(0, -2)}AA`;
    await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'ERR_TOKEN_INVALID' });

    // More tokens than are kept: the oldest is forgotten, and verified again from scratch when it returns.
    const many = await Promise.all(
      Array.from({ length: VERIFIED_TOKENS_KEPT + 10 }, (_, i) =>
        tokens.sign({ id: `u${i}`, role: 'user' }, 's'),
      ),
    );
    for (const t of many) await tokens.verify(t);
    await expect(tokens.verify(token)).resolves.toMatchObject({ id: 'u1' });
    now += 60_000;
    await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
    await expect(tokens.verify(many.at(-1)!)).rejects.toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
  });
});
