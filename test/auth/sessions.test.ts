import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { POSTGRES_URL, REDIS_URL, TEST_DATABASES } from '../support/databases.ts';
import { dropPrefix, uniquePrefix } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { login, meStatus, post } from './account-helpers.ts';

interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

async function sessions(app: FastifyInstance, user: TestUser): Promise<SessionView[]> {
  const res = await app.inject({ url: '/api/auth/sessions', headers: user.auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: SessionView[] }>().items;
}

async function loginFrom(app: FastifyInstance, email: string, ip: string, agent: string): Promise<TestUser> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: 'a sturdy passphrase 42' },
    remoteAddress: ip,
    headers: { 'user-agent': agent },
  });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ user: TestUser; accessToken: string; refreshToken: string }>();
  return { ...body.user, ...body, auth: { authorization: `Bearer ${body.accessToken}` } };
}

const del = (app: FastifyInstance, user: TestUser, id: string) =>
  app.inject({ method: 'DELETE', url: `/api/auth/sessions/${id}`, headers: user.auth });

describe.each(TEST_DATABASES)('sessions ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildTestApp({}, db.config);
    await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('lists each sign-in with its times, IP and user agent, and which one is current', async () => {
    const user = await registerUser(app);
    const phone = await loginFrom(app, user.email, '10.1.1.1', 'Phone/1.0');
    await loginFrom(app, user.email, '10.2.2.2', 'Laptop/2.0');
    const before = await sessions(app, phone);
    expect(before).toHaveLength(3);
    expect(before.filter((s) => s.current)).toHaveLength(1);
    const mine = before.find((s) => s.current)!;
    expect(mine).toMatchObject({ ip: '10.1.1.1', userAgent: 'Phone/1.0' });
    expect(before.map((s) => s.userAgent)).toContain('Laptop/2.0');
    expect(Date.parse(mine.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(mine.createdAt));

    // A refresh keeps the session (same id), moves its last use, and records where it came from.
    const refreshed = await app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refreshToken: phone.refreshToken },
      remoteAddress: '10.3.3.3',
      headers: { 'user-agent': 'Phone/1.1' },
    });
    expect(refreshed.statusCode).toBe(200);
    const token = refreshed.json<{ accessToken: string }>().accessToken;
    const after = await sessions(app, { ...phone, auth: { authorization: `Bearer ${token}` } });
    expect(after).toHaveLength(3);
    const same = after.find((s) => s.id === mine.id)!;
    expect(same).toMatchObject({
      current: true,
      ip: '10.3.3.3',
      userAgent: 'Phone/1.1',
      createdAt: mine.createdAt,
    });
    expect(Date.parse(same.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(mine.lastUsedAt));
  });

  it('deleting a session stops its access token at once, and its refresh token', async () => {
    const user = await registerUser(app);
    const other = await login(app, user.email);
    const otherId = (await sessions(app, other)).find((s) => s.current)!.id;
    expect(await meStatus(app, other)).toBe(200);
    const res = await del(app, user, otherId);
    expect(res.statusCode).toBe(204);
    const me = await app.inject({ url: '/api/auth/me', headers: other.auth });
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
    expect((await post(app, '/api/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(401);
    expect(await meStatus(app, user)).toBe(200);
    expect((await sessions(app, user)).map((s) => s.id)).not.toContain(otherId);
    expect((await del(app, user, otherId)).statusCode).toBe(404);
  });

  it('another user’s session is a 404 and stays signed in; a bad id is a 400', async () => {
    const alice = await registerUser(app);
    const bob = await registerUser(app);
    const bobs = (await sessions(app, bob))[0]!.id;
    const res = await del(app, alice, bobs);
    expect(res.statusCode).toBe(404);
    expect(await meStatus(app, bob)).toBe(200);
    const bad = await del(app, alice, 'not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toContain('/params/id');
    expect((await app.inject({ url: '/api/auth/sessions' })).statusCode).toBe(401);
  });

  it('logout stops the access token at once; logout-all stops every session', async () => {
    const user = await registerUser(app);
    const second = await login(app, user.email);
    const third = await login(app, user.email);
    expect((await post(app, '/api/auth/logout', undefined, second)).statusCode).toBe(204);
    expect(await meStatus(app, second)).toBe(401);
    expect(await meStatus(app, user)).toBe(200);
    expect((await post(app, '/api/auth/logout-all', undefined, user)).statusCode).toBe(204);
    for (const s of [user, third]) {
      expect(await meStatus(app, s)).toBe(401);
      expect((await post(app, '/api/auth/refresh', { refreshToken: s.refreshToken })).statusCode).toBe(401);
    }
    const again = await login(app, user.email);
    expect(await meStatus(app, again)).toBe(200);
    expect(await sessions(app, again)).toHaveLength(1);
  });
});

// Two API processes sharing PostgreSQL and Redis: a revocation on one reaches the other through the bus.
describe.runIf(Boolean(POSTGRES_URL && REDIS_URL))('sessions across processes', () => {
  const prefix = uniquePrefix('sessions');
  const postgres = TEST_DATABASES.find((d) => d.name === 'postgres')!;
  let db: Awaited<ReturnType<typeof postgres.create>>;
  let one: FastifyInstance;
  let two: FastifyInstance;
  const env = { REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: prefix };

  beforeAll(async () => {
    db = await postgres.create();
    one = await buildTestApp(env, db.config);
    two = await buildTestApp(env, db.config);
    await registerUser(one);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await db?.drop();
    await dropPrefix(prefix);
  });

  it('a session deleted on one process is refused by the other at once, and by a process started later', async () => {
    const user = await registerUser(one);
    const laptop = await login(two, user.email);
    expect(await meStatus(two, laptop)).toBe(200);
    const id = (await sessions(two, laptop)).find((s) => s.current)!.id;
    expect((await del(one, user, id)).statusCode).toBe(204);
    await waitFor(
      async () => (await meStatus(two, laptop)) === 401,
      10_000,
      'the other process refusing the token',
    );
    const res = await two.inject({ url: '/api/auth/me', headers: laptop.auth });
    expect(res.json()).toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
    expect(await meStatus(one, user)).toBe(200);
    expect(await meStatus(two, user)).toBe(200);

    // A process that starts after the revocation reads it from the database.
    const three = await buildTestApp(env, db.config);
    try {
      expect(await meStatus(three, laptop)).toBe(401);
      expect(await meStatus(three, user)).toBe(200);
    } finally {
      await three.close();
    }
  });

  it('logout-all on one process signs the user out on the other', async () => {
    const user = await registerUser(one);
    const elsewhere = await login(two, user.email);
    expect((await post(one, '/api/auth/logout-all', undefined, user)).statusCode).toBe(204);
    await waitFor(
      async () => (await meStatus(two, elsewhere)) === 401,
      10_000,
      'logout-all across processes',
    );
    expect(await meStatus(two, user)).toBe(401);
  });
});
