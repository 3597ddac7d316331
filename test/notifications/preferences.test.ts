import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectToHold } from '../queue/support/quiet.ts';
import { completedEvent, inbox, waitFor } from './notifications-helpers.ts';

const DEFAULTS = {
  emailEnabled: true,
  pushEnabled: true,
  categories: {
    test_completed: { in_app: true, email: false },
    test_failed: { in_app: true, email: true },
    alert_triggered: { in_app: true, email: true },
    system_update: { in_app: true, email: false },
    quota_warning: { in_app: true, email: true },
  },
};

const fieldsOf = (body: string) =>
  (JSON.parse(body) as { errors?: { field: string }[] }).errors?.map((e) => e.field);

describe.each(TEST_DATABASES)('notification preferences ($name)', (database) => {
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

  const get = async (user: TestUser) => {
    const res = await inbox(app, user).call('GET', '/api/notifications/preferences');
    expect(res.statusCode).toBe(200);
    return res.json<typeof DEFAULTS>();
  };
  const put = (user: TestUser, payload: object) =>
    inbox(app, user).call('PUT', '/api/notifications/preferences', payload);

  it('gives a new user the defaults: in-app for everything, e-mail for failures, alerts and quota', async () => {
    expect(await get(await registerUser(app))).toEqual(DEFAULTS);
  });

  it('changes only what a partial update names, and answers the full merged preferences', async () => {
    const user = await registerUser(app);
    const first = await put(user, { categories: { test_completed: { email: true } } });
    expect(first.statusCode).toBe(200);
    const afterFirst = {
      ...DEFAULTS,
      categories: { ...DEFAULTS.categories, test_completed: { in_app: true, email: true } },
    };
    expect(first.json()).toEqual(afterFirst);
    const second = await put(user, {
      emailEnabled: false,
      categories: { test_completed: { in_app: false }, system_update: { email: true } },
    });
    const afterSecond = {
      emailEnabled: false,
      pushEnabled: true,
      categories: {
        ...DEFAULTS.categories,
        test_completed: { in_app: false, email: true },
        system_update: { in_app: true, email: true },
      },
    };
    expect(second.json()).toEqual(afterSecond);
    expect(await get(user)).toEqual(afterSecond);
    // An empty update changes nothing and still answers everything.
    expect((await put(user, {})).json()).toEqual(afterSecond);
  });

  it('keeps one user’s preferences away from another’s', async () => {
    const one = await registerUser(app);
    const two = await registerUser(app);
    await put(one, { pushEnabled: false });
    expect((await get(one)).pushEnabled).toBe(false);
    expect(await get(two)).toEqual(DEFAULTS);
  });

  it.each([
    [{ categories: { sms_blast: { in_app: true } } }, '/body/categories/sms_blast'],
    [{ categories: { test_failed: { sms: true } } }, '/body/categories/test_failed/sms'],
    [{ categories: { test_failed: { email: 'yes' } } }, '/body/categories/test_failed/email'],
    [{ emailEnabled: 'false' }, '/body/emailEnabled'],
    [{ pushEnabled: null }, '/body/pushEnabled'],
    [{ categories: [] }, '/body/categories'],
    [{ theme: 'dark' }, '/body/theme'],
  ])('refuses %j with 400 naming %s', async (payload, field) => {
    const user = await registerUser(app);
    const res = await put(user, payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fieldsOf(res.body)).toContain(field);
    expect(await get(user)).toEqual(DEFAULTS);
  });

  it('with a type’s in-app switch or the in-app master switch off, a test outcome leaves no notification', async () => {
    const typeOff = await registerUser(app);
    const masterOff = await registerUser(app);
    const control = await registerUser(app);
    await put(typeOff, { categories: { test_completed: { in_app: false } } });
    await put(masterOff, { pushEnabled: false });
    for (const user of [typeOff, masterOff, control])
      await app.events.publish('TestCompleted', completedEvent(user.id));
    // The control user's notification proves the events were handled.
    await waitFor(async () => (await inbox(app, control).count()) === 1, 10_000, 'the control notification');
    await expectToHold(
      async () => {
        const [a, b] = await Promise.all([inbox(app, typeOff).list(), inbox(app, masterOff).list()]);
        return a.items.length === 0 && b.items.length === 0;
      },
      500,
      'no notification for the users who turned them off',
    );
    // A type still on arrives.
    await app.events.publish('TestFailed', {
      ...completedEvent(typeOff.id),
      error: 'boom',
      willRetry: false,
    });
    await waitFor(async () => (await inbox(app, typeOff).count()) === 1, 10_000, 'the failure');
    expect((await inbox(app, typeOff).list()).items.map((n) => n.type)).toEqual(['test_failed']);
    expect((await inbox(app, masterOff).list()).items).toEqual([]);
  });
});
