import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { OAuth2Server } from 'oauth2-mock-server';
import type { DatabaseConfig } from '../../../src/config/index.ts';
import { buildApp } from '../../../src/app.ts';
import { testConfig } from '../../support/app.ts';

export const PUBLIC_URL = 'http://127.0.0.1:3999';
export const GOOGLE_CLIENT = { id: 'google-client-id', secret: 'google-client-secret-9f1c2e' };
export const GITHUB_CLIENT = { id: 'github-client-id', secret: 'github-client-secret-4b7d0a' };

/** Who the Google mock says signed in; tests change it between flows. */
export interface GoogleAccount {
  sub: string;
  email: string;
  email_verified: boolean | string;
  /** Set: the ID token carries this nonce instead of the one asked for. */
  nonce?: string;
}

/** Google as an OpenID Connect issuer on loopback (oauth2-mock-server), with the account of `account`. */
export async function startGoogle(): Promise<{
  issuerUrl: string;
  account: GoogleAccount;
  stop(): Promise<void>;
}> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const state = {
    account: { sub: 'g-0', email: 'nobody@example.test', email_verified: true } as GoogleAccount,
  };
  server.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    const { nonce, ...claims } = state.account;
    Object.assign(token.payload, claims);
    // Only the ID token carries a nonce (the mock copies the authorization request's into it).
    if (nonce !== undefined && 'nonce' in token.payload) token.payload.nonce = nonce;
  });
  server.service.on('beforeUserinfo', (res: { body: Record<string, unknown> }) => {
    const { nonce: _n, ...claims } = state.account;
    res.body = { ...claims };
  });
  return {
    issuerUrl: server.issuer.url!,
    get account() {
      return state.account;
    },
    set account(a: GoogleAccount) {
      state.account = a;
    },
    stop: () => server.stop(),
  };
}

export interface GitHubAccount {
  id: number;
  login: string;
  emails: { email: string; primary: boolean; verified: boolean; visibility: string | null }[];
}

interface Grant {
  account: GitHubAccount;
  challenge: string;
  redirectUri: string;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

/**
 * A loopback fake of GitHub's OAuth and REST endpoints: /login/oauth/authorize (approves at once and
 * redirects back with code and state), /login/oauth/access_token (checks the client, the code, and the
 * PKCE verifier against the S256 challenge, answering errors with a 200 as GitHub does), /user, /user/emails.
 */
export async function startGitHub(): Promise<{
  url: string;
  account: GitHubAccount;
  /** true: /user and /user/emails answer 503. */
  failing: boolean;
  stop(): Promise<void>;
}> {
  const state = {
    account: { id: 1, login: 'nobody', emails: [] } as GitHubAccount,
    failing: false,
  };
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, GitHubAccount>();
  const json = (res: import('node:http').ServerResponse, status: number, value: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url!, 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
        const q = url.searchParams;
        if (q.get('client_id') !== GITHUB_CLIENT.id || q.get('code_challenge_method') !== 'S256')
          return json(res, 400, { error: 'bad request' });
        const code = randomBytes(10).toString('hex');
        grants.set(code, {
          account: structuredClone(state.account),
          challenge: q.get('code_challenge')!,
          redirectUri: q.get('redirect_uri')!,
        });
        const back = new URL(q.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', q.get('state')!);
        return res.writeHead(302, { location: back.href }).end();
      }
      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        const form = new URLSearchParams(await body(req));
        const grant = grants.get(form.get('code') ?? '');
        grants.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (form.get('client_id') !== GITHUB_CLIENT.id || form.get('client_secret') !== GITHUB_CLIENT.secret)
          return json(res, 200, { error: 'incorrect_client_credentials' });
        if (!grant || grant.redirectUri !== form.get('redirect_uri') || grant.challenge !== challenge)
          return json(res, 200, { error: 'bad_verification_code' });
        const token = `gho_${randomBytes(12).toString('hex')}`;
        tokens.set(token, grant.account);
        return json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
      }
      if (state.failing && url.pathname.startsWith('/user'))
        return json(res, 503, { message: 'Unavailable' });
      const account = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!account) return json(res, 401, { message: 'Bad credentials' });
      if (url.pathname === '/user') return json(res, 200, { id: account.id, login: account.login });
      if (url.pathname === '/user/emails') return json(res, 200, account.emails);
      return json(res, 404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get account() {
      return state.account;
    },
    set account(a: GitHubAccount) {
      state.account = a;
    },
    get failing() {
      return state.failing;
    },
    set failing(f: boolean) {
      state.failing = f;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function oauthEnv(googleIssuer: string | null, githubUrl: string | null): Record<string, string> {
  return {
    PUBLIC_URL,
    AUTH_RATE_LIMIT_IP: '10000/1m',
    ...(googleIssuer && {
      GOOGLE_CLIENT_ID: GOOGLE_CLIENT.id,
      GOOGLE_CLIENT_SECRET: GOOGLE_CLIENT.secret,
      GOOGLE_ISSUER_URL: googleIssuer,
    }),
    ...(githubUrl && {
      GITHUB_CLIENT_ID: GITHUB_CLIENT.id,
      GITHUB_CLIENT_SECRET: GITHUB_CLIENT.secret,
      GITHUB_OAUTH_URL: githubUrl,
      GITHUB_API_URL: githubUrl,
    }),
  };
}

/** The real app with its log lines captured (JSON, one per entry). */
export async function buildOAuthApp(
  env: Record<string, string>,
  database?: DatabaseConfig,
): Promise<{ app: FastifyInstance; lines: string[] }> {
  const lines: string[] = [];
  const logStream = new Writable({
    write: (chunk: Buffer, _enc, done) => (
      lines.push(...chunk.toString().split('\n').filter(Boolean)),
      done()
    ),
  });
  const app = await buildApp({ config: testConfig({ LOG_LEVEL: 'info', ...env }, database), logStream });
  await app.ready();
  return { app, lines };
}

/** Where a flow ended: the client's /oauth/callback URL, and what the browser saw on the way. */
export interface FlowEnd {
  landing: URL;
  authorizationUrl: URL;
  callbackUrl: URL;
  /** The flow's cookie (`testweb_oauth=…`) as the browser sends it back. */
  cookie: string | undefined;
}

/** The `name=value` of the OAuth flow cookie a response sets, as a browser would send it back. */
export function flowCookie(setCookie: string | string[] | undefined): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return all.find((c) => c.startsWith('testweb_oauth='))?.split(';')[0];
}

export interface BrowserOptions {
  /** Rewrites the provider's redirect back to us (a forged state, say). */
  tamper?: (callback: URL) => URL;
  /** Overrides the cookie the browser sends to the callback (another browser: null). */
  cookie?: string | null;
}

/**
 * Acts as the browser from an authorization URL on: follows the provider's redirect (fetch, manual
 * redirects), then our callback (inject, with the flow cookie), and returns where the callback sent it.
 */
export async function followAuthorization(
  app: FastifyInstance,
  authorizationUrl: string,
  cookie: string | undefined,
  options: BrowserOptions = {},
): Promise<FlowEnd> {
  const consent = await fetch(authorizationUrl, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`provider answered ${consent.status}: ${await consent.text()}`);
  const back = new URL(consent.headers.get('location')!);
  const callbackUrl = options.tamper ? options.tamper(back) : back;
  if (callbackUrl.origin !== PUBLIC_URL) throw new Error(`provider redirected to ${callbackUrl.href}`);
  const sent = options.cookie === undefined ? cookie : (options.cookie ?? undefined);
  const res = await app.inject({
    url: callbackUrl.pathname + callbackUrl.search,
    headers: sent ? { cookie: sent } : {},
  });
  if (res.statusCode !== 302) throw new Error(`callback answered ${res.statusCode}: ${res.body}`);
  return {
    landing: new URL(String(res.headers.location)),
    authorizationUrl: new URL(authorizationUrl),
    callbackUrl,
    cookie,
  };
}

/** The whole sign-in as a browser runs it, from GET /api/auth/oauth/{provider}. */
export async function browserSignIn(
  app: FastifyInstance,
  provider: 'google' | 'github',
  options: BrowserOptions = {},
): Promise<FlowEnd> {
  const start = await app.inject({ url: `/api/auth/oauth/${provider}` });
  if (start.statusCode !== 302) throw new Error(`start answered ${start.statusCode}: ${start.body}`);
  return followAuthorization(
    app,
    String(start.headers.location),
    flowCookie(start.headers['set-cookie']),
    options,
  );
}

export async function exchange(app: FastifyInstance, code: string) {
  return app.inject({ method: 'POST', url: '/api/auth/oauth/exchange', payload: { code } });
}
