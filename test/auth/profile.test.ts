import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserDirectory } from '../../src/modules/auth/index.ts';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';

interface Account {
  id: string;
  email: string;
  role: string;
  locale: string;
  displayName: string | null;
}

interface ProblemBody {
  status: number;
  code: string;
  errors?: { field: string; message: string }[];
}

describe.each(TEST_DATABASES)('PATCH /api/auth/me on $name', (target) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    const database = await target.create();
    drop = database.drop;
    app = await buildTestApp({}, database.config);
    alice = await registerUser(app);
    bob = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const patch = (user: TestUser | null, payload: unknown) =>
    app.inject({
      method: 'PATCH',
      url: '/api/auth/me',
      headers: user ? user.auth : {},
      payload: payload as object,
    });
  const me = async (user: TestUser) =>
    (await app.inject({ url: '/api/auth/me', headers: user.auth })).json<Account>();
  const fields = (body: ProblemBody) => (body.errors ?? []).map((e) => e.field);

  it('starts in English with no display name, also in the register answer', async () => {
    const carol = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'carol@example.test', password: 'a sturdy passphrase 42' },
    });
    expect(carol.json<{ user: Account }>().user).toMatchObject({
      email: 'carol@example.test',
      role: 'user',
      locale: 'en',
      displayName: null,
    });
    expect(await me(alice)).toMatchObject({
      id: alice.id,
      email: alice.email,
      locale: 'en',
      displayName: null,
    });
  });

  it('sets the locale and the display name, and GET /api/auth/me reads them back', async () => {
    const res = await patch(alice, { locale: 'zh-CN', displayName: '  李雷  ' });
    expect(res.statusCode).toBe(200);
    expect(res.json<Account>()).toMatchObject({
      id: alice.id,
      email: alice.email,
      role: alice.role,
      locale: 'zh-CN',
      displayName: '李雷',
    });
    expect(await me(alice)).toMatchObject({ locale: 'zh-CN', displayName: '李雷' });
    // What the e-mail and notification modules read for this user.
    await expect(createUserDirectory(app.database.db).contactOf(alice.id)).resolves.toEqual({
      email: alice.email,
      locale: 'zh-CN',
    });
    expect(await me(bob)).toMatchObject({ locale: 'en', displayName: null });
  });

  it('changes only the fields given, and null removes the display name', async () => {
    await patch(bob, { locale: 'zh-CN', displayName: 'Bob' });
    expect((await patch(bob, { locale: 'en' })).json<Account>()).toMatchObject({
      locale: 'en',
      displayName: 'Bob',
    });
    expect((await patch(bob, { displayName: null })).json<Account>()).toMatchObject({
      locale: 'en',
      displayName: null,
    });
    expect(await me(bob)).toMatchObject({ locale: 'en', displayName: null });
  });

  it('answers 400 naming /body/locale for a locale it does not have', async () => {
    for (const locale of ['fr', 'zh-cn', '', 7]) {
      const res = await patch(bob, { locale });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(fields(res.json<ProblemBody>())).toContain('/body/locale');
    }
    expect((await me(bob)).locale).toBe('en');
  });

  it('answers 400 for an empty body, an unknown property and a blank or too long name', async () => {
    const empty = await patch(bob, {});
    expect(empty.statusCode).toBe(400);
    expect(fields(empty.json<ProblemBody>())).toContain('/body');
    const unknown = await patch(bob, { locale: 'en', email: 'x@example.test' });
    expect(unknown.statusCode).toBe(400);
    expect(fields(unknown.json<ProblemBody>())).toContain('/body/email');
    for (const displayName of ['', '   ', 'x'.repeat(101)]) {
      const res = await patch(bob, { displayName });
      expect(res.statusCode).toBe(400);
      expect(fields(res.json<ProblemBody>())).toContain('/body/displayName');
    }
    expect((await patch(bob, { displayName: 'x'.repeat(100) })).statusCode).toBe(200);
  });

  it('answers 401 without a token', async () => {
    const res = await patch(null, { locale: 'zh-CN' });
    expect(res.statusCode).toBe(401);
    expect(res.json<ProblemBody>().code).toBe('ERR_UNAUTHORIZED');
  });
});
