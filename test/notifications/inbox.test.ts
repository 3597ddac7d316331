import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectToHold } from '../queue/support/quiet.ts';
import { completedEvent, inbox, seedNotifications, waitFor } from './notifications-helpers.ts';

const fieldsOf = (body: string) =>
  (JSON.parse(body) as { errors?: { field: string }[] }).errors?.map((e) => e.field);

describe.each(TEST_DATABASES)('notification inbox ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildTestApp({}, db.config);
    await registerUser(app); // the admin
    alice = await registerUser(app);
    bob = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('lists newest first in cursor pages that cover every notification once', async () => {
    const carol = await registerUser(app);
    await seedNotifications(app, carol, 25);
    const mine = inbox(app, carol);
    const first = await mine.list('?limit=10');
    expect(first.items).toHaveLength(10);
    expect(first.nextCursor).toEqual(expect.any(String));
    const all = await mine.all('?limit=10');
    expect(all).toHaveLength(25);
    expect(new Set(all.map((n) => n.id)).size).toBe(25);
    // Newest first (the API shows milliseconds; the order is by the stored microseconds, then id).
    const times = all.map((n) => n.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(all.slice(0, 10)).toEqual(first.items);
    // The default page is 20; the last page has no cursor.
    const byDefault = await mine.list();
    expect(byDefault.items).toHaveLength(20);
    const last = await mine.list(`?cursor=${byDefault.nextCursor}`);
    expect(last.items).toHaveLength(5);
    expect(last.nextCursor).toBeUndefined();
  });

  it('serves the notification shape, with the test outcome in data and a link to the test', async () => {
    const dave = await registerUser(app);
    const event = completedEvent(dave.id, { score: 87 });
    await app.events.publish('TestCompleted', event);
    const [n] = await waitFor(
      async () => {
        const { items } = await inbox(app, dave).list();
        return items.length ? items : undefined;
      },
      10_000,
      'the notification',
    );
    expect(n).toEqual({
      id: expect.any(String),
      type: 'test_completed',
      title: `Test completed: api ${event.url}`,
      content: 'All checks passed (score 87).',
      data: { testId: event.testId, type: 'api', url: event.url, score: 87, passed: true, error: null },
      actionUrl: `/tests/${event.testId}`,
      read: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      readAt: null,
    });
  });

  it('filters by unread and by type', async () => {
    const erin = await registerUser(app);
    await seedNotifications(app, erin, 3);
    await app.events.publish('TestFailed', {
      ...completedEvent(erin.id),
      error: 'connect ECONNREFUSED',
      willRetry: false,
    });
    await waitFor(async () => (await inbox(app, erin).count()) === 4, 10_000, 'the failure');
    const mine = inbox(app, erin);
    const failed = await mine.list('?type=test_failed');
    expect(failed.items.map((n) => n.type)).toEqual(['test_failed']);
    expect(failed.items[0]!.content).toBe('Error: connect ECONNREFUSED');
    expect((await mine.list('?type=test_completed')).items).toHaveLength(3);
    expect((await mine.list('?type=system_update')).items).toHaveLength(0);
    const one = (await mine.list('?type=test_completed')).items[0]!;
    expect((await mine.call('PUT', `/api/notifications/${one.id}/read`)).statusCode).toBe(200);
    const unread = await mine.list('?unread=true');
    expect(unread.items).toHaveLength(3);
    expect(unread.items.every((n) => !n.read)).toBe(true);
    expect((await mine.list('?unread=true&type=test_completed')).items).toHaveLength(2);
    expect((await mine.list('?unread=false')).items).toHaveLength(4);
  });

  it('a failure that will be retried notifies nobody; the final one does', async () => {
    const kim = await registerUser(app);
    const attempt = { ...completedEvent(kim.id), error: 'connect ECONNRESET' };
    await app.events.publish('TestFailed', { ...attempt, willRetry: true });
    await app.events.publish('TestFailed', { ...attempt, runId: randomUUID(), willRetry: false });
    await waitFor(async () => (await inbox(app, kim).count()) > 0, 10_000, 'the final failure');
    await expectToHold(async () => (await inbox(app, kim).count()) === 1, 500, 'one notification');
    expect((await inbox(app, kim).list()).items.map((n) => n.type)).toEqual(['test_failed']);
  });

  it('marks one read (read, readAt, count down), and reading it again changes nothing', async () => {
    const frank = await registerUser(app);
    await seedNotifications(app, frank, 2);
    const mine = inbox(app, frank);
    const [n] = (await mine.list()).items;
    const res = await mine.call('PUT', `/api/notifications/${n!.id}/read`);
    expect(res.statusCode).toBe(200);
    const read = res.json<{ read: boolean; readAt: string }>();
    expect(read).toMatchObject({ id: n!.id, read: true, readAt: expect.any(String) });
    expect(await mine.count()).toBe(1);
    const again = await mine.call('PUT', `/api/notifications/${n!.id}/read`);
    expect(again.json()).toEqual(read);
    expect(await mine.count()).toBe(1);
  });

  it('marks all read, and a list of ids read (only the caller’s)', async () => {
    const gina = await registerUser(app);
    await seedNotifications(app, gina, 4);
    await seedNotifications(app, bob, 1);
    const mine = inbox(app, gina);
    const ids = (await mine.list()).items.map((n) => n.id);
    const bobs = (await inbox(app, bob).list()).items[0]!.id;
    const some = await mine.call('PUT', '/api/notifications/read', { ids: [ids[0], ids[1], bobs] });
    expect(some.statusCode).toBe(200);
    expect(some.json()).toEqual({ updated: 2 });
    expect(await mine.count()).toBe(2);
    expect((await inbox(app, bob).list()).items[0]!.read).toBe(false);
    const all = await mine.call('PUT', '/api/notifications/read-all');
    expect(all.json()).toEqual({ updated: 2 });
    expect(await mine.count()).toBe(0);
    expect((await mine.call('PUT', '/api/notifications/read-all')).json()).toEqual({ updated: 0 });
  });

  it('deletes one with 204; it leaves the list and the count', async () => {
    const hank = await registerUser(app);
    await seedNotifications(app, hank, 2);
    const mine = inbox(app, hank);
    const [n] = (await mine.list()).items;
    const res = await mine.call('DELETE', `/api/notifications/${n!.id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await mine.list()).items.map((x) => x.id)).not.toContain(n!.id);
    expect(await mine.count()).toBe(1);
    expect((await mine.call('DELETE', `/api/notifications/${n!.id}`)).statusCode).toBe(404);
  });

  it("answers 404 for another user's notification, which stays out of their list and count", async () => {
    await seedNotifications(app, alice, 1);
    const [hers] = (await inbox(app, alice).list()).items;
    const ivan = await registerUser(app);
    const his = inbox(app, ivan);
    expect((await his.call('PUT', `/api/notifications/${hers!.id}/read`)).statusCode).toBe(404);
    expect((await his.call('DELETE', `/api/notifications/${hers!.id}`)).statusCode).toBe(404);
    expect((await his.call('PUT', `/api/notifications/${randomUUID()}/read`)).statusCode).toBe(404);
    expect((await his.list()).items).toEqual([]);
    expect(await his.count()).toBe(0);
    // Still there, still unread, for its owner.
    const still = (await inbox(app, alice).list()).items.find((n) => n.id === hers!.id);
    expect(still).toMatchObject({ read: false });
  });

  it.each([
    ['/api/notifications?type=nope', '/querystring/type'],
    ['/api/notifications?limit=101', '/querystring/limit'],
    ['/api/notifications?limit=0', '/querystring/limit'],
    ['/api/notifications?cursor=bm9wZQ', '/querystring/cursor'],
    ['/api/notifications?colour=red', '/querystring/colour'],
  ])('GET %s → 400 naming %s', async (url, field) => {
    const res = await inbox(app, alice).call('GET', url);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res.body)).toContain(field);
  });

  it.each([
    [{}, '/body/ids'],
    [{ ids: [] }, '/body/ids'],
    [{ ids: ['not-a-uuid'] }, '/body/ids/0'],
    [{ ids: Array.from({ length: 101 }, () => randomUUID()) }, '/body/ids'],
    [{ ids: [randomUUID()], extra: 1 }, '/body/extra'],
  ])('PUT /api/notifications/read with %j → 400 naming %s', async (payload, field) => {
    const res = await inbox(app, alice).call('PUT', '/api/notifications/read', payload);
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
  });

  it('answers 400 naming /params/id for an id that is not a UUID (static paths are not ids)', async () => {
    const mine = inbox(app, alice);
    for (const [method, url] of [
      ['PUT', '/api/notifications/abc/read'],
      ['DELETE', '/api/notifications/preferences'],
      ['DELETE', '/api/notifications/read-all'],
    ] as const) {
      const res = await mine.call(method, url);
      expect(res.statusCode, `${method} ${url}`).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['/params/id']);
    }
    // The static routes answer as themselves.
    expect((await mine.call('GET', '/api/notifications/unread-count')).json()).toEqual({
      count: expect.any(Number),
    });
    expect((await mine.call('PUT', '/api/notifications/read-all')).json()).toEqual({
      updated: expect.any(Number),
    });
  });

  it('needs a signed-in user', async () => {
    for (const [method, url] of [
      ['GET', '/api/notifications'],
      ['GET', '/api/notifications/unread-count'],
      ['PUT', '/api/notifications/read-all'],
      ['GET', '/api/notifications/preferences'],
    ] as const)
      expect((await app.inject({ method, url })).statusCode, url).toBe(401);
  });
});
