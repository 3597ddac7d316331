import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.ts';
import { buildTestApp, registerUser, testConfig } from '../support/app.ts';

function expectProblem(res: LightMyRequestResponse, status: number, code?: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  if (code) expect(body.code).toBe(code);
  expect(res.body).not.toMatch(/at \w+ \(|node_modules|SELECT |INSERT /);
  return body;
}

describe('bad input is answered 4xx problem+json', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp({ AUTH_RATE_LIMIT_IP: '1000/1m', AUTH_RATE_LIMIT_ACCOUNT: '1000/1m' });
  });
  afterAll(() => app.close());

  const register = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: payload as string,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('names a missing field', async () => {
    const body = expectProblem(await register({ email: 'x@example.test' }), 400, 'ERR_VALIDATION');
    expect(body.errors).toEqual([{ field: '/body/password', message: expect.any(String) }]);
  });

  it('rejects a wrong type instead of coercing it', async () => {
    const body = expectProblem(
      await register({ email: 'x@example.test', password: 12345678901234 }),
      400,
      'ERR_VALIDATION',
    );
    expect(body.errors[0].field).toBe('/body/password');
  });

  it('rejects an extra field, naming it', async () => {
    const body = expectProblem(
      await register({ email: 'x@example.test', password: 'a sturdy passphrase 42', role: 'admin' }),
      400,
      'ERR_VALIDATION',
    );
    expect(body.errors).toEqual([{ field: '/body/role', message: 'is not an allowed property' }]);
    expect(
      await app.database.db.selectFrom('users').select('id').where('email', '=', 'x@example.test').execute(),
    ).toHaveLength(0);
  });

  it('rejects a malformed e-mail address', async () => {
    const body = expectProblem(
      await register({ email: 'not-an-email', password: 'a sturdy passphrase 42' }),
      400,
    );
    expect(body.errors[0].field).toBe('/body/email');
  });

  it('answers malformed JSON with 400', async () => {
    expectProblem(await register('{"email": "a@b.c", '), 400, 'ERR_MALFORMED_JSON');
  });

  it('answers an empty JSON body with 400', async () => {
    expectProblem(await register(''), 400);
  });

  it('answers a 1 MB body with 413', async () => {
    expectProblem(
      await register({ email: 'big@example.test', password: 'p'.repeat(1024 * 1024) }),
      413,
      'ERR_BODY_TOO_LARGE',
    );
  });

  it('answers an unsupported content type with 415', async () => {
    expectProblem(
      await register('email=a', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'ERR_UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('accepts unicode passwords and keeps them exact', async () => {
    const password = 'пароль-密码-🔐-ünïcödé';
    const res = await register({ email: 'unicode@example.test', password });
    expect(res.statusCode).toBe(201);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'unicode@example.test', password },
    });
    expect(login.statusCode).toBe(200);
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'unicode@example.test', password: password.normalize('NFD') },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('refuses a non-ASCII e-mail address with a 400 naming /body/email, never a 5xx', async () => {
    const res = await register({ email: 'ünïcödé@exämple.test', password: 'a sturdy passphrase 42' });
    expectProblem(res, 400, 'ERR_VALIDATION');
    expect(res.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field)).toContain(
      '/body/email',
    );
  });

  it('answers an unknown route with 404 whether signed in or not', async () => {
    expectProblem(await app.inject({ url: '/api/no-such-thing' }), 404, 'ERR_ROUTE_NOT_FOUND');
    const user = await registerUser(app);
    expectProblem(
      await app.inject({ url: '/api/no-such-thing', headers: user.auth }),
      404,
      'ERR_ROUTE_NOT_FOUND',
    );
  });

  it('sends a request id, security headers and an OpenAPI document', async () => {
    const res = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const doc = (await app.inject({ url: '/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/register',
        '/api/auth/login',
        '/api/auth/refresh',
        '/api/auth/logout',
        '/api/auth/me',
        '/health/ready',
      ]),
    );
    expect((await app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('serves the dashboard at /', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<div id="root">');
  });

  it('serves a landing page that links to the API docs and says how to build the dashboard when it is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'testweb-no-dashboard-'));
    const bare = await buildApp({ config: testConfig(), worker: false, dashboardDir: empty });
    try {
      const res = await bare.inject({ url: '/', headers: { accept: 'text/html' } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('href="/docs"');
      expect(res.body).toContain('PGlite');
      expect(res.body).toContain('npm run build:web');
      // Without the dashboard a client-side path is no page: a 404 problem.
      expect((await bare.inject({ url: '/tests', headers: { accept: 'text/html' } })).statusCode).toBe(404);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
