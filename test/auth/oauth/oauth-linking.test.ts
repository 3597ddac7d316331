import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerUser, type TestUser } from '../../support/app.ts';
import { codeOf, nextStep, post, verify } from '../mfa/mfa-helpers.ts';
import { TEST_DATABASES } from '../../support/databases.ts';
import {
  browserSignIn,
  buildOAuthApp,
  exchange,
  flowCookie,
  followAuthorization,
  oauthEnv,
  startGitHub,
  startGoogle,
} from './oauth-fixtures.ts';

let n = 0;
const unique = () => `${Date.now()}-${++n}`;

describe.each(TEST_DATABASES)('OAuth linking ($name)', (database) => {
  let google: Awaited<ReturnType<typeof startGoogle>>;
  let github: Awaited<ReturnType<typeof startGitHub>>;
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;

  beforeAll(async () => {
    [google, github] = await Promise.all([startGoogle(), startGitHub()]);
    const db = await database.create();
    drop = db.drop;
    ({ app } = await buildOAuthApp(oauthEnv(google.issuerUrl, github.url), db.config));
    admin = await registerUser(app); // the first account
  });
  afterEach(() => void vi.useRealTimers());
  afterAll(async () => {
    await app?.close();
    await drop?.();
    await Promise.all([google?.stop(), github?.stop()]);
  });

  function googleAs(email = `g-${unique()}@example.test`) {
    google.account = { sub: `g-${unique()}`, email, email_verified: true };
    return google.account;
  }

  function githubAs(email = `gh-${unique()}@example.test`) {
    const id = Number(`${Date.now() % 1e9}${++n}`);
    github.account = {
      id,
      login: `octo${id}`,
      emails: [{ email, primary: true, verified: true, visibility: null }],
    };
    return github.account;
  }

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  /** A signed-in user links `provider`: POST …/link, then the browser completes the consent. */
  async function link(user: { auth: { authorization: string } }, provider: 'google' | 'github') {
    const res = await app.inject({
      method: 'POST',
      url: `/api/auth/oauth/${provider}/link`,
      headers: user.auth,
    });
    if (res.statusCode !== 200) return { res, landing: null };
    const cookie = flowCookie(res.headers['set-cookie']);
    return { res, landing: (await followAuthorization(app, res.json().authorizationUrl, cookie)).landing };
  }

  async function identities(token: string) {
    const res = await app.inject({ url: '/api/auth/oauth/identities', headers: auth(token) });
    expect(res.statusCode).toBe(200);
    return res.json<{ identities: { provider: string; email: string | null }[] }>().identities;
  }

  const unlink = (token: string, provider: string) =>
    app.inject({ method: 'DELETE', url: `/api/auth/oauth/identities/${provider}`, headers: auth(token) });

  async function signInToken(provider: 'google' | 'github') {
    const end = await browserSignIn(app, provider);
    const code = end.landing.searchParams.get('code');
    if (!code)
      return {
        error: end.landing.searchParams.get('error'),
        message: end.landing.searchParams.get('message'),
      };
    const res = await exchange(app, code);
    return res.json<{ accessToken: string; user: { id: string } }>();
  }

  it('does not sign in to an existing account with the same e-mail; after signing in and linking, it does', async () => {
    const owner: TestUser = await registerUser(app, `owner-${unique()}@example.test`);
    googleAs(owner.email.toUpperCase()); // addresses compare case-insensitively
    const refused = await browserSignIn(app, 'google');
    expect(refused.landing.searchParams.get('error')).toBe('ERR_OAUTH_ACCOUNT_EXISTS');
    expect(refused.landing.searchParams.get('message')).toContain('sign in and link it from your settings');
    expect(refused.landing.searchParams.get('code')).toBeNull();
    expect(await identities(owner.accessToken)).toEqual([]);

    const linked = await link(owner, 'google');
    expect(linked.res.statusCode).toBe(200);
    expect(linked.landing!.searchParams.get('linked')).toBe('google');
    expect(linked.landing!.searchParams.get('code')).toBeNull(); // linking signs no one in
    expect(await identities(owner.accessToken)).toEqual([
      expect.objectContaining({ provider: 'google', email: owner.email }),
    ]);

    const signedIn = await signInToken('google');
    expect('user' in signedIn && signedIn.user.id).toBe(owner.id);
  });

  it('refuses to link an identity that belongs to another account, and a second identity of one provider', async () => {
    const first = await registerUser(app);
    const second = await registerUser(app);
    githubAs();
    expect((await link(first, 'github')).landing!.searchParams.get('linked')).toBe('github');
    const taken = await link(second, 'github'); // the same GitHub account
    expect(taken.landing!.searchParams.get('error')).toBe('ERR_OAUTH_IDENTITY_TAKEN');
    expect(await identities(second.accessToken)).toEqual([]);

    githubAs(); // another GitHub account, for the first user again
    const again = await link(first, 'github');
    expect(again.res.statusCode).toBe(409);
    expect(again.res.json()).toMatchObject({ code: 'ERR_OAUTH_ALREADY_LINKED' });
  });

  it('never removes the last way to sign in', async () => {
    googleAs();
    const created = await signInToken('google'); // no password: Google is its only method
    if (!('accessToken' in created)) throw new Error(`sign-in failed: ${JSON.stringify(created)}`);
    const token = created.accessToken;
    const last = await unlink(token, 'google');
    expect(last.statusCode).toBe(409);
    expect(last.json()).toMatchObject({ code: 'ERR_OAUTH_LAST_SIGN_IN_METHOD' });

    githubAs();
    expect((await link({ auth: auth(token) }, 'github')).landing!.searchParams.get('linked')).toBe('github');
    expect((await unlink(token, 'google')).statusCode).toBe(204);
    expect((await identities(token)).map((i) => i.provider)).toEqual(['github']);
    expect((await unlink(token, 'github')).statusCode).toBe(409);

    const gone = await unlink(token, 'google');
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'ERR_OAUTH_NOT_LINKED' });
  });

  it('unlinks the only identity of an account that has a password', async () => {
    const user = await registerUser(app);
    googleAs();
    await link(user, 'google');
    expect((await unlink(user.accessToken, 'google')).statusCode).toBe(204);
    expect(await identities(user.accessToken)).toEqual([]);
    // The unlinked Google account is a stranger now: with its own e-mail, it creates a new account.
    const fresh = await signInToken('google');
    expect('user' in fresh && fresh.user.id).not.toBe(user.id);
  });

  it('refuses personal API tokens: linking a provider needs a real sign-in', async () => {
    const user = await registerUser(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: user.auth,
      payload: { name: 'ci', scopes: ['tests:read', 'tests:write'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/oauth/google/link',
      headers: auth(created.json().token),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'ERR_TOKEN_NOT_ALLOWED' });
  });

  it('needs a signed-in user to list, link and unlink', async () => {
    for (const [method, url] of [
      ['GET', '/api/auth/oauth/identities'],
      ['POST', '/api/auth/oauth/google/link'],
      ['DELETE', '/api/auth/oauth/identities/google'],
    ] as const)
      expect((await app.inject({ method, url })).statusCode).toBe(401);
  });

  it('asks an account with MFA for its second factor after Google, and gives tokens only after it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // TOTP steps follow the clock the test moves
    googleAs();
    const created = await signInToken('google');
    if (!('accessToken' in created)) throw new Error(`sign-in failed: ${JSON.stringify(created)}`);
    const headers = auth(created.accessToken);
    const { secret } = (await post(app, '/api/auth/mfa/setup', {}, headers)).json<{ secret: string }>();
    expect((await post(app, '/api/auth/mfa/enable', { code: codeOf(secret) }, headers)).statusCode).toBe(200);
    nextStep();

    const end = await browserSignIn(app, 'google');
    const answer = await exchange(app, end.landing.searchParams.get('code')!);
    expect(answer.statusCode).toBe(200);
    const step = answer.json();
    expect(step).toEqual({ mfaRequired: true, mfaToken: expect.any(String), expiresIn: expect.any(Number) });
    const done = await verify(app, { mfaToken: step.mfaToken, code: codeOf(secret) });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().user.id).toBe(created.user.id);
  });

  it('refuses a disabled account at the callback, and its codes at the exchange', async () => {
    googleAs();
    const created = await signInToken('google');
    if (!('user' in created)) throw new Error(`sign-in failed: ${JSON.stringify(created)}`);
    const pending = await browserSignIn(app, 'google'); // a code issued before the account is disabled
    const disable = await app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${created.user.id}`,
      headers: admin.auth,
      payload: { disabled: true },
    });
    expect(disable.statusCode, disable.body).toBe(200);
    const end = await browserSignIn(app, 'google');
    expect(end.landing.searchParams.get('error')).toBe('ERR_ACCOUNT_DISABLED');
    const late = await exchange(app, pending.landing.searchParams.get('code')!);
    expect(late.statusCode).toBe(403);
    expect(late.json()).toMatchObject({ code: 'ERR_ACCOUNT_DISABLED' });
  });
});
