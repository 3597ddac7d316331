import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { waitFor } from '../support/wait.ts';
import { hashApiToken, isWellFormedApiToken } from '../../src/modules/auth/api-tokens/api-token-format.ts';
import { CREDENTIAL_CACHE_TTL_MS } from '../../src/modules/auth/api-tokens/credential-cache.ts';

const SCHEDULE = { name: 'nightly', type: 'api', url: 'http://127.0.0.1:9/', cron: '0 3 * * *' };

interface Created {
  id: string;
  token: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
}

describe.each(TEST_DATABASES)('personal API tokens ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;
  let user: TestUser;

  async function create(owner: TestUser, body: Record<string, unknown>) {
    return app.inject({ method: 'POST', url: '/api/auth/tokens', headers: owner.auth, payload: body });
  }
  async function token(
    owner: TestUser,
    scopes: string[],
    extra: Record<string, unknown> = {},
  ): Promise<Created> {
    const res = await create(owner, { name: 'ci', scopes, ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<Created>();
  }
  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const call = (t: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: bearer(t), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildTestApp({ API_TOKEN_MAX_PER_USER: '20' }, db.config);
    admin = await registerUser(app); // the first account is the admin
    user = await registerUser(app);
  });
  afterAll(async () => {
    await app.close();
    await drop();
  });
  afterEach(() => vi.useRealTimers());

  it('creates a token shown once, lists it without the token, and stores only its SHA-256', async () => {
    const res = await create(user, { name: '  ci-nightly  ', scopes: ['tests:read', 'tests:write'] });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const created = res.json<Created>();
    expect(created).toMatchObject({
      name: 'ci-nightly',
      scopes: ['tests:read', 'tests:write'],
      expiresAt: null,
    });
    expect(created.token).toMatch(/^tw_[0-9A-Za-z]{49}$/);
    expect(isWellFormedApiToken(created.token)).toBe(true);
    expect(created.token.startsWith(created.prefix)).toBe(true);

    const list = await app.inject({ method: 'GET', url: '/api/auth/tokens', headers: user.auth });
    expect(list.statusCode).toBe(200);
    const items = list.json<{ items: Array<Record<string, unknown>> }>().items;
    expect(items.find((i) => i.id === created.id)).toMatchObject({
      name: 'ci-nightly',
      prefix: created.prefix,
      scopes: ['tests:read', 'tests:write'],
      createdAt: expect.any(String),
      expiresAt: null,
      lastUsedAt: null,
    });
    expect(list.body).not.toContain(created.token);

    const rows = await app.database.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', created.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(hashApiToken(created.token));
    expect(JSON.stringify(rows)).not.toContain(created.token.slice(3));
  });

  it('works as a bearer, updates last-used at most once a minute, and stops at once when deleted', async () => {
    const t = await token(user, ['tests:read']);
    expect((await call(t.token, 'GET', '/api/tests')).statusCode).toBe(200);
    const lastUsed = async () =>
      (
        await app.database.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', t.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    await waitFor(async () => (await lastUsed()) !== null, 5000, 'last_used_at written');
    const first = (await lastUsed())!.getTime();
    expect((await call(t.token, 'GET', '/api/tests')).statusCode).toBe(200);
    expect((await lastUsed())!.getTime()).toBe(first); // within the minute: no second write

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 });
    expect((await call(t.token, 'GET', '/api/tests')).statusCode).toBe(200);
    await waitFor(async () => (await lastUsed())!.getTime() > first, 5000, 'last_used_at moved on');
    vi.useRealTimers();

    const del = await app.inject({ method: 'DELETE', url: `/api/auth/tokens/${t.id}`, headers: user.auth });
    expect(del.statusCode).toBe(204);
    const after = await call(t.token, 'GET', '/api/tests');
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'ERR_TOKEN_INVALID' });
    const list = await app.inject({ method: 'GET', url: '/api/auth/tokens', headers: user.auth });
    expect(list.json<{ items: Array<{ id: string }> }>().items.map((i) => i.id)).not.toContain(t.id);
  });

  it("answers 404 for another user's token and leaves it working", async () => {
    const t = await token(admin, ['tests:read']);
    const res = await app.inject({ method: 'DELETE', url: `/api/auth/tokens/${t.id}`, headers: user.auth });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ERR_NOT_FOUND' });
    expect((await call(t.token, 'GET', '/api/tests')).statusCode).toBe(200);
  });

  it('refuses a route without the scope with 403 naming it, on tests, schedules and alerts', async () => {
    const reader = await token(user, ['tests:read']);
    const writer = await token(user, ['tests:write']);
    const submit = { type: 'api', url: 'http://127.0.0.1:9/' };

    const noWrite = await call(reader.token, 'POST', '/api/tests', submit);
    expect(noWrite.statusCode).toBe(403);
    expect(noWrite.headers['content-type']).toContain('application/problem+json');
    expect(noWrite.json()).toMatchObject({
      code: 'ERR_TOKEN_SCOPE',
      detail: expect.stringContaining('"tests:write"'),
    });
    expect(noWrite.headers['www-authenticate']).toContain('scope="tests:write"');
    expect((await call(writer.token, 'POST', '/api/tests', submit)).statusCode).toBe(202);

    const noRead = await call(writer.token, 'GET', '/api/tests');
    expect(noRead.statusCode).toBe(403);
    expect(noRead.json().detail).toContain('"tests:read"');

    expect((await call(reader.token, 'GET', '/api/schedules')).statusCode).toBe(200);
    const schedule = await call(reader.token, 'POST', '/api/schedules', SCHEDULE);
    expect(schedule.statusCode).toBe(403);
    expect(schedule.json().detail).toContain('"schedules:write"');
    const scheduler = await token(user, ['schedules:write']);
    expect((await call(scheduler.token, 'POST', '/api/schedules', SCHEDULE)).statusCode).not.toBe(403);

    // Alert routes map by prefix: a read needs tests:read, a write alerts:write.
    expect((await call(reader.token, 'GET', '/api/alerts/rules')).statusCode).toBe(200);
    const alertRead = await call(writer.token, 'GET', '/api/alerts/rules');
    expect(alertRead.statusCode).toBe(403);
    expect(alertRead.json().detail).toContain('"tests:read"');
    const alertWrite = await call(reader.token, 'POST', '/api/alerts/rules', {});
    expect(alertWrite.statusCode).toBe(403);
    expect(alertWrite.json()).toMatchObject({
      code: 'ERR_TOKEN_SCOPE',
      detail: expect.stringContaining('"alerts:write"'),
    });
    const alerter = await token(user, ['alerts:write']);
    // Past the scope check: the empty body is the route's own 400.
    expect((await call(alerter.token, 'POST', '/api/alerts/rules', {})).statusCode).toBe(400);
  });

  it('refuses token management, sign-in changes and inbox writes to tokens whatever their scopes', async () => {
    const all = await token(admin, ['tests:read', 'tests:write', 'schedules:write', 'alerts:write', 'admin']);
    for (const [method, url] of [
      ['POST', '/api/auth/tokens'],
      ['GET', '/api/auth/tokens'],
      ['POST', '/api/auth/logout'],
      ['PUT', '/api/notifications/read-all'],
    ] as const) {
      const res = await call(
        all.token,
        method,
        url,
        method === 'POST' ? { name: 'x', scopes: ['tests:read'] } : undefined,
      );
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().code).toBe('ERR_TOKEN_NOT_ALLOWED');
    }
    expect((await call(all.token, 'GET', '/api/auth/me')).json()).toMatchObject({ id: admin.id });
  });

  it('lets only admins create an admin token, whose admin power ends when the user is demoted', async () => {
    const refused = await create(user, { name: 'x', scopes: ['admin'] });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('ERR_TOKEN_ADMIN_SCOPE');

    const second = await registerUser(app);
    const promote = await app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${second.id}`,
      headers: admin.auth,
      payload: { role: 'admin' },
    });
    expect(promote.statusCode, promote.body).toBe(200);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: second.email, password: 'a sturdy passphrase 42' },
    });
    const secondAuth = { authorization: `Bearer ${login.json().accessToken}` };
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: secondAuth,
      payload: { name: 'ops', scopes: ['admin'] },
    });
    expect(res.statusCode).toBe(201);
    const t = res.json<Created>();
    expect((await call(t.token, 'GET', '/api/cache/stats')).statusCode).toBe(200);

    const plain = await token(admin, ['tests:read']);
    const noAdmin = await call(plain.token, 'GET', '/api/cache/stats');
    expect(noAdmin.statusCode).toBe(403);
    expect(noAdmin.json().detail).toContain('"admin"');

    await app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${second.id}`,
      headers: admin.auth,
      payload: { role: 'user' },
    });
    const demoted = await call(t.token, 'GET', '/api/cache/stats');
    expect(demoted.statusCode).toBe(403);
    expect(demoted.json().code).toBe('ERR_FORBIDDEN');
  });

  it('refuses an expired token (moved clock) and a disabled user’s token with 401 at once', async () => {
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const t = await token(user, ['tests:read'], { expiresAt: soon });
    expect(t.expiresAt).toBe(soon);
    expect((await call(t.token, 'GET', '/api/tests')).statusCode).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 3_600_001 });
    const expired = await call(t.token, 'GET', '/api/tests');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('ERR_TOKEN_EXPIRED');
    vi.useRealTimers();

    const other = await registerUser(app);
    const live = await token(other, ['tests:read']);
    expect((await call(live.token, 'GET', '/api/tests')).statusCode).toBe(200);
    const disable = await app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${other.id}`,
      headers: admin.auth,
      payload: { disabled: true },
    });
    expect(disable.statusCode, disable.body).toBe(200);
    expect((await call(live.token, 'GET', '/api/tests')).statusCode).toBe(401);
  });

  it('sees a change made behind its back (no event) within CREDENTIAL_CACHE_TTL_MS', async () => {
    const other = await registerUser(app);
    const t = await token(other, ['tests:read']);
    expect((await call(t.token, 'GET', '/api/tests')).statusCode).toBe(200);
    await app.database.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', t.id)
      .execute();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + CREDENTIAL_CACHE_TTL_MS + 1 });
    expect((await call(t.token, 'GET', '/api/tests')).statusCode).toBe(401);
  });

  it('refuses malformed, forged and unknown tokens with 401', async () => {
    const t = await token(user, ['tests:read']);
    const flipped = t.token.slice(0, 10) + (t.token[10] === 'a' ? 'b' : 'a') + t.token.slice(11);
    for (const bad of ['tw_short', flipped, `${t.token}x`]) {
      const res = await call(bad, 'GET', '/api/tests');
      expect(res.statusCode, bad).toBe(401);
      expect(res.json().code).toBe('ERR_TOKEN_INVALID');
    }
  });

  it('validates the body: name, scopes, expiry in the future and at most 366 days ahead, the limit', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: '', scopes: ['tests:read'] }, '/body/name'],
      [{ name: '   ', scopes: ['tests:read'] }, '/body/name'],
      [{ name: 'x'.repeat(101), scopes: ['tests:read'] }, '/body/name'],
      [{ name: 'x', scopes: [] }, '/body/scopes'],
      [{ name: 'x', scopes: ['tests:delete'] }, '/body/scopes/0'],
      [
        { name: 'x', scopes: ['tests:read'], expiresAt: new Date(Date.now() - 1000).toISOString() },
        '/body/expiresAt',
      ],
      [
        {
          name: 'x',
          scopes: ['tests:read'],
          expiresAt: new Date(Date.now() + 367 * 86_400_000).toISOString(),
        },
        '/body/expiresAt',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await create(user, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.json().errors)).toContain(field);
    }
    const limited = await registerUser(app);
    for (let i = 0; i < 20; i++) await token(limited, ['tests:read']);
    const over = await create(limited, { name: 'one too many', scopes: ['tests:read'] });
    expect(over.statusCode).toBe(409);
    expect(over.json().code).toBe('ERR_TOKEN_LIMIT');
  });
});
