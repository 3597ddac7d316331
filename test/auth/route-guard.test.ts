import net from 'node:net';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../support/app.ts';

/** Every route the app registers, plugins' routes included, as the onRoute hooks left it. */
const registered = vi.hoisted(() => [] as RouteOptions[]);

// An onRoute hook on the root instance from the moment it exists sees every route of every context.
// The options object is kept, not copied: hooks of inner contexts (the docs' public marking) run after it.
vi.mock('fastify', async (importOriginal) => {
  const real = await importOriginal<typeof import('fastify')>();
  const create = ((options?: object) => {
    const app = real.default(options);
    app.addHook('onRoute', (route) => void registered.push(route));
    return app;
  }) as typeof real.default;
  return { ...real, default: create, fastify: create };
});

interface Route {
  method: string;
  url: string;
  auth: string | undefined;
}

const UUID = '3f1c2b9e-5d4a-4c8e-9b7f-0a1b2c3d4e5f';

/** The routes anyone may call. Anything else that turns up public is a finding. */
const EXPECTED_PUBLIC = [
  'GET /',
  'GET /assets/*', // the dashboard's bundles (web/dist/assets)
  'GET /favicon.svg', // the dashboard's icon
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/mfa/verify', // the mfaToken of the login answer is its credential
  'POST /api/auth/email/verify', // the e-mailed link's single-use token is its credential
  'POST /api/auth/password/forgot', // the same answer for any address; rate-limited
  'POST /api/auth/password/reset', // the e-mailed link's single-use token is its credential
  'POST /api/auth/password/strength', // judges a password for the sign-up meter; stores nothing; rate-limited
  'GET /api/auth/oauth/providers', // which sign-in buttons to show
  'GET /api/auth/oauth/:provider', // starts a sign-in: a redirect to the provider
  'GET /api/auth/oauth/:provider/callback', // the provider's redirect; state and cookie are its credential
  'POST /api/auth/oauth/exchange', // the callback's one-time code is its credential
  'GET /health/live',
  'GET /health/ready',
  'GET /metrics', // checks METRICS_TOKEN itself
  'GET /ws', // checks the access token in the handshake
  'OPTIONS *', // the CORS plugin's preflight answer; carries no data
];

function routes(): Route[] {
  const out = new Map<string, Route>();
  for (const r of registered) {
    for (const method of [r.method].flat())
      out.set(`${method} ${r.url}`, { method, url: r.url, auth: r.config?.auth });
  }
  return [...out.values()];
}

/** A concrete path for a route pattern: a uuid for each parameter, `x` for a wildcard. */
function concrete(pattern: string): string {
  const path = pattern.replace(/:\w+/g, UUID).replace(/\*/g, 'x');
  return path.startsWith('/') ? path : `/${path}`;
}

const segments = (path: string) => path.split('/').slice(1);
const hex = (ch: string) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** The same path spelled so that a check on the raw URL would not recognise it. */
function variants(path: string): string[] {
  const parts = segments(path);
  const encodeFirst = (s: string) => (s ? hex(s[0]!) + s.slice(1) : s);
  return [
    `/${encodeFirst(parts[0]!)}${path.slice(parts[0]!.length + 1)}`, // /%61pi/…
    `/${parts.map(encodeFirst).join('/')}`, // every segment's first letter encoded
    `/${parts.map((s) => s.toUpperCase()).join('/')}`, // /API/…
    `/${parts.map((s) => (s ? s[0]!.toUpperCase() + s.slice(1) : s)).join('/')}`, // /Api/Cache/…
    `/${path}`, // //api/…
    path.replace(/\/(?=[^/]*$)/, '//'), // …//last
    `${path}/`,
    `/x/..${path}`,
    `/.${path}`,
    `${path.replace(/\//g, '%2F')}`,
    `${path}?auth=public`,
  ];
}

/** Sends a raw request line over a real socket; answers the status code. */
function rawStatus(port: number, requestLine: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.end(
        `${requestLine}\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      ),
    );
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (status) resolve(Number(status[1]));
      else reject(new Error(`no status line for ${requestLine}: ${JSON.stringify(data.slice(0, 80))}`));
    });
  });
}

describe('the auth guard on every route', () => {
  let app: FastifyInstance;
  let port: number;
  let all: Route[];
  let guarded: Route[];

  beforeAll(async () => {
    app = await buildTestApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as net.AddressInfo).port;
    all = routes();
    guarded = all.filter((r) => r.auth !== 'public');
  });
  afterAll(() => app.close());

  it('sees the routes of every module and plugin, and only the expected ones are public', () => {
    const names = all.map((r) => `${r.method} ${r.url}`);
    for (const name of [
      'DELETE /api/cache/flush',
      'GET /api/cache/stats',
      'GET /api/queue/status',
      'GET /api/auth/me',
      'HEAD /api/tests/:testId',
      'GET /docs/json',
    ]) {
      expect(names).toContain(name);
    }
    const isDocs = (r: Route) => r.url === '/docs' || r.url.startsWith('/docs/');
    const publicOnes = all
      .filter((r) => r.auth === 'public' && !isDocs(r))
      .map((r) => `${r.method} ${r.url}`);
    // Fastify answers HEAD for every GET with the GET route's options.
    const expected = EXPECTED_PUBLIC.flatMap((n) =>
      n.startsWith('GET ') ? [n, n.replace('GET', 'HEAD')] : [n],
    );
    expect(publicOnes.sort()).toEqual(expected.sort());
    expect(all.filter(isDocs).every((r) => r.auth === 'public')).toBe(true);
    expect(guarded.length).toBeGreaterThan(15);
  });

  it('answers 401 to every private route called without a token', async () => {
    const leaks: string[] = [];
    for (const r of guarded) {
      const res = await app.inject({ method: r.method as 'GET', url: concrete(r.url) });
      if (res.statusCode !== 401) leaks.push(`${r.method} ${concrete(r.url)} → ${res.statusCode}`);
      else if (r.method !== 'HEAD')
        expect(res.json()).toMatchObject({ status: 401, code: 'ERR_UNAUTHORIZED' });
    }
    expect(leaks).toEqual([]);
  });

  it('answers 401 or 404, never the route, to encoded, doubled-slash and mixed-case spellings', async () => {
    const leaks: string[] = [];
    for (const r of guarded) {
      for (const url of variants(concrete(r.url))) {
        const res = await app.inject({ method: r.method as 'GET', url });
        if (res.statusCode !== 401 && res.statusCode !== 404)
          leaks.push(`${r.method} ${url} → ${res.statusCode}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('answers 401 or 404 to absolute-form request lines over a real socket', async () => {
    const leaks: string[] = [];
    const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, 'http://example.test'];
    for (const r of guarded) {
      const path = concrete(r.url);
      for (const target of [...origins.map((o) => o + path), `${origins[0]}${variants(path)[0]}`, path]) {
        const status = await rawStatus(port, `${r.method} ${target} HTTP/1.1`);
        if (status !== 401 && status !== 404) leaks.push(`${r.method} ${target} → ${status}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it('still serves the public routes without a token', async () => {
    for (const url of [
      '/',
      '/docs',
      '/docs/json',
      '/docs/static/swagger-ui.css',
      '/health/live',
      '/metrics',
    ]) {
      const res = await app.inject({ url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
    }
    expect(await rawStatus(port, `GET http://127.0.0.1:${port}/docs/json HTTP/1.1`)).toBe(200);
  });

  it('lets a signed-in user through and keeps admin routes for admins', async () => {
    const register = (email: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email, password: 'a sturdy passphrase 42' },
      });
    const admin = (await register('guard-admin@example.test')).json<{ accessToken: string }>();
    const user = (await register('guard-user@example.test')).json<{ accessToken: string }>();
    const stats = (token: string) =>
      app.inject({ url: '/%61pi/cache/stats', headers: { authorization: `Bearer ${token}` } });
    expect((await stats(admin.accessToken)).statusCode).toBe(200);
    expect((await stats(user.accessToken)).statusCode).toBe(403);
    expect((await stats('not.a.token')).statusCode).toBe(401);
  });
});
