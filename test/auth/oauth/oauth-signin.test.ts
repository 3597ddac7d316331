import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_DATABASES } from '../../support/databases.ts';
import {
  GITHUB_CLIENT,
  GOOGLE_CLIENT,
  PUBLIC_URL,
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

describe.each(TEST_DATABASES)('OAuth sign-in ($name)', (database) => {
  let google: Awaited<ReturnType<typeof startGoogle>>;
  let github: Awaited<ReturnType<typeof startGitHub>>;
  let app: FastifyInstance;
  let lines: string[];
  let drop: () => Promise<void>;
  /** Every code, state and token the tests saw: none may reach a log line. */
  const secrets: string[] = [GOOGLE_CLIENT.secret, GITHUB_CLIENT.secret];

  beforeAll(async () => {
    [google, github] = await Promise.all([startGoogle(), startGitHub()]);
    const db = await database.create();
    drop = db.drop;
    ({ app, lines } = await buildOAuthApp(oauthEnv(google.issuerUrl, github.url), db.config));
  });
  afterEach(() => void vi.useRealTimers());
  afterAll(async () => {
    await app?.close();
    await drop?.();
    await Promise.all([google?.stop(), github?.stop()]);
  });

  function googleAccount(verified: boolean | string = true) {
    const id = unique();
    google.account = { sub: `g-${id}`, email: `g-${id}@example.test`, email_verified: verified };
    return google.account;
  }

  function githubAccount(verified = true) {
    const id = Number(`${Date.now() % 1e9}${++n}`);
    github.account = {
      id,
      login: `octo${id}`,
      emails: [
        { email: `other-${id}@example.test`, primary: false, verified: true, visibility: null },
        { email: `Octo-${id}@Example.test`, primary: true, verified, visibility: 'private' },
      ],
    };
    return github.account;
  }

  /** Sign-in through the browser, then the exchange; the answer of POST /api/auth/oauth/exchange. */
  async function signIn(provider: 'google' | 'github') {
    const end = await browserSignIn(app, provider);
    const code = end.landing.searchParams.get('code');
    expect(end.landing.searchParams.get('error'), end.landing.searchParams.get('message') ?? '').toBeNull();
    expect(code).toEqual(expect.any(String));
    secrets.push(
      code!,
      end.callbackUrl.searchParams.get('state')!,
      end.callbackUrl.searchParams.get('code')!,
    );
    const res = await exchange(app, code!);
    expect(res.statusCode, res.body).toBe(200);
    secrets.push(res.json().accessToken, res.json().refreshToken);
    return res.json<{ user: { id: string; email: string; emailVerified: boolean }; accessToken: string }>();
  }

  const userCount = async () =>
    Number(
      (
        await app.database.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('lists the configured providers', async () => {
    const res = await app.inject({ url: '/api/auth/oauth/providers' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      providers: [
        { id: 'google', name: 'Google' },
        { id: 'github', name: 'GitHub' },
      ],
    });
  });

  it('sends the browser to Google with state, nonce and an S256 PKCE challenge, keeping only the state hash', async () => {
    const start = await app.inject({ url: '/api/auth/oauth/google' });
    expect(start.statusCode).toBe(302);
    expect(start.headers['cache-control']).toBe('no-store');
    const url = new URL(String(start.headers.location));
    expect(url.origin).toBe(google.issuerUrl);
    const q = url.searchParams;
    expect(q.get('client_id')).toBe(GOOGLE_CLIENT.id);
    expect(q.get('redirect_uri')).toBe(`${PUBLIC_URL}/api/auth/oauth/google/callback`);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('scope')).toContain('openid');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(q.get('state')!.length).toBeGreaterThanOrEqual(43);
    expect(q.get('nonce')!.length).toBeGreaterThanOrEqual(43);
    const stored = await app.database.db.selectFrom('oauth_states').select('state_hash').execute();
    expect(stored.map((s) => s.state_hash)).not.toContain(q.get('state'));
  });

  it('signs up with Google: a new account with a verified e-mail and no password, then signs in to it again', async () => {
    const account = googleAccount();
    const before = await userCount();
    const first = await signIn('google');
    expect(first.user).toMatchObject({ email: account.email, emailVerified: true });
    expect(await userCount()).toBe(before + 1);
    const me = await app.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${first.accessToken}` },
    });
    expect(me.json().email).toBe(account.email);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: account.email, password: 'any password at all 42' },
    });
    expect(login.statusCode).toBe(401); // no password was set

    const again = await signIn('google');
    expect(again.user.id).toBe(first.user.id);
    expect(await userCount()).toBe(before + 1);
  });

  it('signs up with GitHub using the primary verified address, then signs in to it again', async () => {
    const account = githubAccount();
    const first = await signIn('github');
    expect(first.user).toMatchObject({ email: account.emails[1]!.email.toLowerCase(), emailVerified: true });
    const again = await signIn('github');
    expect(again.user.id).toBe(first.user.id);
  });

  it('refuses a callback whose state was not issued, or was used already', async () => {
    googleAccount();
    githubAccount();
    const before = await userCount();
    const forged = await browserSignIn(app, 'google', {
      tamper: (u) => (u.searchParams.set('state', 'forged-state'), u),
    });
    expect(forged.landing.origin + forged.landing.pathname).toBe(`${PUBLIC_URL}/oauth/callback`);
    expect(forged.landing.searchParams.get('error')).toBe('ERR_OAUTH_STATE_INVALID');
    expect(forged.landing.searchParams.get('code')).toBeNull();

    const ok = await browserSignIn(app, 'github');
    expect(ok.landing.searchParams.get('code')).toEqual(expect.any(String));
    const replay = await app.inject({
      url: ok.callbackUrl.pathname + ok.callbackUrl.search,
      headers: { cookie: ok.cookie! },
    });
    expect(new URL(String(replay.headers.location)).searchParams.get('error')).toBe(
      'ERR_OAUTH_STATE_INVALID',
    );
    expect(await userCount()).toBe(before + 1);
  });

  it('binds the flow to the browser that started it: a callback URL opened elsewhere signs no one in', async () => {
    const start = await app.inject({ url: '/api/auth/oauth/github' });
    const setCookie = String(start.headers['set-cookie']);
    expect(setCookie).toMatch(/^testweb_oauth=[\w-]{43}; /);
    expect(setCookie).toContain('Path=/api/auth/oauth');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Max-Age=600');

    githubAccount(); // the attacker's account, whose callback URL a victim is made to open
    const before = await userCount();
    const elsewhere = await browserSignIn(app, 'github', { cookie: null });
    expect(elsewhere.landing.searchParams.get('error')).toBe('ERR_OAUTH_STATE_INVALID');
    const otherBrowser = await browserSignIn(app, 'github', { cookie: `testweb_oauth=${'x'.repeat(43)}` });
    expect(otherBrowser.landing.searchParams.get('error')).toBe('ERR_OAUTH_STATE_INVALID');
    expect(await userCount()).toBe(before);
  });

  it('keeps one browser key for flows started in several tabs', async () => {
    googleAccount();
    const first = await app.inject({ url: '/api/auth/oauth/google' });
    const cookie = flowCookie(first.headers['set-cookie'])!;
    const second = await app.inject({ url: '/api/auth/oauth/google', headers: { cookie } });
    expect(flowCookie(second.headers['set-cookie'])).toBe(cookie);
    const end = await followAuthorization(app, String(first.headers.location), cookie);
    expect(end.landing.searchParams.get('code')).toEqual(expect.any(String));
  });

  it('refuses a state older than 10 minutes', async () => {
    githubAccount();
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = await app.inject({ url: '/api/auth/oauth/github' });
    vi.setSystemTime(Date.now() + 10 * 60_000 + 1000);
    const late = await followAuthorization(
      app,
      String(start.headers.location),
      flowCookie(start.headers['set-cookie']),
    );
    expect(late.landing.searchParams.get('error')).toBe('ERR_OAUTH_STATE_INVALID');
  });

  it('exchanges a code once: a replayed code is refused', async () => {
    googleAccount();
    const end = await browserSignIn(app, 'google');
    const code = end.landing.searchParams.get('code')!;
    const first = await exchange(app, code);
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const second = await exchange(app, code);
    expect(second.statusCode).toBe(401);
    expect(second.json()).toMatchObject({ code: 'ERR_OAUTH_CODE_INVALID' });
  });

  it('gives tokens once when one code is exchanged four times at once', async () => {
    googleAccount();
    const end = await browserSignIn(app, 'google');
    const code = end.landing.searchParams.get('code')!;
    const answers = await Promise.all([1, 2, 3, 4].map(() => exchange(app, code)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 401, 401, 401]);
  });

  it('refuses a code after 60 seconds', async () => {
    githubAccount();
    vi.useFakeTimers({ toFake: ['Date'] });
    const end = await browserSignIn(app, 'github');
    vi.setSystemTime(Date.now() + 61_000);
    const res = await exchange(app, end.landing.searchParams.get('code')!);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'ERR_OAUTH_CODE_INVALID' });
  });

  it('refuses an ID token carrying another nonce', async () => {
    google.account = { ...googleAccount(), nonce: 'a-nonce-this-server-never-sent' };
    const before = await userCount();
    const end = await browserSignIn(app, 'google');
    expect(end.landing.searchParams.get('error')).toBe('ERR_OAUTH_VERIFICATION_FAILED');
    expect(end.landing.searchParams.get('code')).toBeNull();
    expect(await userCount()).toBe(before);
  });

  it.each([
    ['google', false],
    ['google', 'false'],
    ['github', false],
  ] as const)(
    'refuses to create an account from an unverified %s e-mail (email_verified %j)',
    async (provider, verified) => {
      if (provider === 'google') googleAccount(verified);
      else githubAccount(verified as boolean);
      const before = await userCount();
      const end = await browserSignIn(app, provider);
      expect(end.landing.searchParams.get('error')).toBe('ERR_OAUTH_EMAIL_UNVERIFIED');
      expect(await userCount()).toBe(before);
    },
  );

  it('turns the provider refusing consent into an error redirect', async () => {
    const end = await browserSignIn(app, 'github', {
      tamper: (u) => {
        u.searchParams.delete('code');
        u.searchParams.set('error', 'access_denied');
        return u;
      },
    });
    expect(end.landing.searchParams.get('error')).toBe('ERR_OAUTH_DENIED');
  });

  it('says so when the provider fails, creating nothing', async () => {
    githubAccount();
    const before = await userCount();
    github.failing = true;
    try {
      const end = await browserSignIn(app, 'github');
      expect(end.landing.searchParams.get('error')).toBe('ERR_OAUTH_PROVIDER_UNAVAILABLE');
    } finally {
      github.failing = false;
    }
    expect(await userCount()).toBe(before);
  });

  it('writes no code, state, token or client secret to the logs', async () => {
    expect(lines.length).toBeGreaterThan(0);
    const log = lines.join('\n');
    for (const secret of secrets.filter(Boolean)) expect(log).not.toContain(secret);
  });
});

describe('OAuth with only Google configured', () => {
  let google: Awaited<ReturnType<typeof startGoogle>>;
  let app: FastifyInstance;
  beforeAll(async () => {
    google = await startGoogle();
    ({ app } = await buildOAuthApp(oauthEnv(google.issuerUrl, null)));
  });
  afterAll(async () => {
    await app?.close();
    await google?.stop();
  });

  it('does not offer GitHub: absent from the list, 404 to start it', async () => {
    expect((await app.inject({ url: '/api/auth/oauth/providers' })).json()).toEqual({
      providers: [{ id: 'google', name: 'Google' }],
    });
    const res = await app.inject({ url: '/api/auth/oauth/github' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ERR_OAUTH_PROVIDER_NOT_CONFIGURED' });
  });
});

describe('OAuth with an issuer it must not use', () => {
  it.each([
    ['plain http off loopback', 'http://127.0.0.2:9', 'only requests to HTTPS are allowed'],
    ['an issuer that does not answer', 'http://127.0.0.1:9', 'fetch failed'],
  ])('answers 502 to a sign-in with %s, and logs why', async (_what, issuer, reason) => {
    const { app, lines } = await buildOAuthApp(oauthEnv(issuer, null));
    try {
      const res = await app.inject({ url: '/api/auth/oauth/google' });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toMatchObject({ code: 'ERR_OAUTH_PROVIDER_UNAVAILABLE' });
      const logged = lines.map((l) => JSON.parse(l) as { msg?: string; reason?: string });
      expect(logged.find((l) => l.msg === 'OpenID Connect discovery failed')?.reason).toContain(reason);
    } finally {
      await app.close();
    }
  });
});
