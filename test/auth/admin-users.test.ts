import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { registerUser, testConfig, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { waitFor } from '../support/wait.ts';
import { login, meStatus, post, register } from './account-helpers.ts';

interface AdminUserJson {
  id: string;
  email: string;
  role: 'user' | 'admin';
  disabled: boolean;
  disabledAt: string | null;
  emailVerified: boolean;
}

describe.each(TEST_DATABASES)('admin user management ($name)', (database) => {
  let app: FastifyInstance;
  let admin: TestUser;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    // No worker: schedules are stored and paused, never run.
    app = await buildApp({ config: testConfig({}, db.config), worker: false });
    await app.ready();
    admin = await register(app, 'root@example.test');
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const patch = (who: TestUser, id: string, payload: object) =>
    app.inject({ method: 'PATCH', url: `/api/admin/users/${id}`, headers: who.auth, payload });
  const list = async (who: TestUser, query = '') => {
    const res = await app.inject({ url: `/api/admin/users${query}`, headers: who.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: AdminUserJson[]; nextCursor: string | null }>();
  };

  it('lists accounts in cursor pages, newest first, and finds them by part of the e-mail', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await register(app, `${name}@list.example.test`);
    const first = await list(admin, '?q=LIST.example&limit=2');
    expect(first.items.map((u) => u.email)).toEqual(['page-c@list.example.test', 'page-b@list.example.test']);
    expect(first.items[0]).toMatchObject({
      role: 'user',
      disabled: false,
      disabledAt: null,
      emailVerified: false,
    });
    const second = await list(admin, `?q=list.example&limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((u) => u.email)).toEqual(['page-a@list.example.test']);
    expect(second.nextCursor).toBeNull();
    // LIKE wildcards are matched literally.
    expect((await list(admin, '?q=%25')).items).toHaveLength(0);
    expect((await list(admin, '?q=_')).items).toHaveLength(0);
  });

  it('is for admins only, and refuses bad input naming the field', async () => {
    const user = await registerUser(app);
    expect((await app.inject({ url: '/api/admin/users', headers: user.auth })).statusCode).toBe(403);
    expect((await patch(user, admin.id, { role: 'user' })).statusCode).toBe(403);
    const bad = await app.inject({ url: '/api/admin/users?limit=0', headers: admin.auth });
    expect(JSON.stringify(bad.json().errors)).toContain('/querystring/limit');
    const badCursor = await app.inject({ url: '/api/admin/users?cursor=zzz', headers: admin.auth });
    expect(badCursor.json()).toMatchObject({ status: 400, errors: [{ field: '/querystring/cursor' }] });
    const role = await patch(admin, user.id, { role: 'root' });
    expect(role.statusCode).toBe(400);
    expect(JSON.stringify(role.json().errors)).toContain('/body/role');
    expect((await patch(admin, user.id, {})).statusCode).toBe(400);
    expect((await patch(admin, user.id, { email: 'x@example.test' })).statusCode).toBe(400);
    expect((await patch(admin, '00000000-0000-4000-8000-000000000000', { disabled: true })).statusCode).toBe(
      404,
    );
    expect((await patch(admin, 'nope', { disabled: true })).statusCode).toBe(400);
  });

  it('disabling stops the user’s tokens at once, refuses login and refresh, and pauses their schedules', async () => {
    const user = await registerUser(app);
    const schedule = await app.inject({
      method: 'POST',
      url: '/api/schedules',
      headers: user.auth,
      payload: { name: 'nightly', type: 'api', url: 'http://127.0.0.1:9/health', interval: '1h' },
    });
    expect(schedule.statusCode, schedule.body).toBe(201);
    const scheduleId = schedule.json<{ id: string }>().id;
    const apiToken = await app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: user.auth,
      payload: { name: 'ci', scopes: ['tests:read'] },
    });
    expect(apiToken.statusCode, apiToken.body).toBe(201);
    const ci = { auth: { authorization: `Bearer ${apiToken.json<{ token: string }>().token}` } };
    expect((await app.inject({ url: '/api/tests', headers: ci.auth })).statusCode).toBe(200);

    const res = await patch(admin, user.id, { disabled: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: user.id, disabled: true, disabledAt: expect.any(String) });
    const me = await app.inject({ url: '/api/auth/me', headers: user.auth });
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
    // Personal API tokens (tw_…) too.
    expect([401, 403]).toContain((await app.inject({ url: '/api/tests', headers: ci.auth })).statusCode);
    const signIn = await post(app, '/api/auth/login', {
      email: user.email,
      password: 'a sturdy passphrase 42',
    });
    expect(signIn.statusCode).toBe(403);
    expect(signIn.json()).toMatchObject({ code: 'ERR_ACCOUNT_DISABLED' });
    const refresh = await post(app, '/api/auth/refresh', { refreshToken: user.refreshToken });
    expect(refresh.statusCode).toBe(403);
    expect(refresh.json()).toMatchObject({ code: 'ERR_ACCOUNT_DISABLED' });
    // A wrong password still gets the ordinary answer: "disabled" is only told to who knows the password.
    const guess = await post(app, '/api/auth/login', { email: user.email, password: 'wrong guess 12345' });
    expect(guess.statusCode).toBe(401);

    await waitFor(
      async () =>
        (await app.inject({ url: `/api/schedules/${scheduleId}`, headers: admin.auth })).json<{
          enabled: boolean;
        }>().enabled === false,
      10_000,
      'the disabled user’s schedule paused',
    );

    // Enabled again: they sign in again; their schedules stay paused until resumed.
    expect((await patch(admin, user.id, { disabled: false })).json()).toMatchObject({
      disabled: false,
      disabledAt: null,
    });
    const back = await login(app, user.email);
    expect(await meStatus(app, back)).toBe(200);
    const s = await app.inject({ url: `/api/schedules/${scheduleId}`, headers: back.auth });
    expect(s.json()).toMatchObject({ enabled: false });
  });

  it('a role change takes effect at once: the old tokens stop, the next sign-in carries the new role', async () => {
    const user = await registerUser(app);
    const promoted = await patch(admin, user.id, { role: 'admin' });
    expect(promoted.json()).toMatchObject({ role: 'admin' });
    expect(await meStatus(app, user)).toBe(401);
    const asAdmin = await login(app, user.email);
    expect((await app.inject({ url: '/api/admin/users', headers: asAdmin.auth })).statusCode).toBe(200);
    await patch(admin, user.id, { role: 'user' });
    // The demoted admin's token, issued while an admin, no longer opens admin routes.
    expect((await app.inject({ url: '/api/admin/users', headers: asAdmin.auth })).statusCode).toBe(401);
    const asUser = await login(app, user.email);
    expect((await app.inject({ url: '/api/admin/users', headers: asUser.auth })).statusCode).toBe(403);
    // Unchanged fields revoke nothing.
    await patch(admin, user.id, { role: 'user', disabled: false });
    expect(await meStatus(app, asUser)).toBe(200);
  });

  it('the last active admin can be neither demoted nor disabled', async () => {
    const lone = (await list(admin, '?limit=100')).items.filter((u) => u.role === 'admin' && !u.disabled);
    expect(lone.map((u) => u.id)).toEqual([admin.id]);
    for (const change of [{ role: 'user' }, { disabled: true }]) {
      const res = await patch(admin, admin.id, change);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'ERR_LAST_ADMIN' });
    }
    expect(await meStatus(app, admin)).toBe(200);

    // With a second admin, the first may step down; then the second is the last one.
    const deputy = await registerUser(app);
    await patch(admin, deputy.id, { role: 'admin' });
    const deputyAdmin = await login(app, deputy.email);
    expect((await patch(admin, admin.id, { role: 'user' })).statusCode).toBe(200);
    expect((await patch(deputyAdmin, deputy.id, { disabled: true })).json()).toMatchObject({
      code: 'ERR_LAST_ADMIN',
    });
    // Restore the suite's admin.
    expect((await patch(deputyAdmin, admin.id, { role: 'admin' })).statusCode).toBe(200);
    admin = await login(app, admin.email);
  });
});
