import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { buildApp } from '../../src/app.ts';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { createUserDirectory } from '../../src/modules/auth/index.ts';
import { createBroadcastRepository } from '../../src/modules/notifications/broadcast.repository.ts';
import { createBroadcasts } from '../../src/modules/notifications/broadcast.ts';
import { createNotificationRepository } from '../../src/modules/notifications/notification.repository.ts';
import { createPreferencesRepository } from '../../src/modules/notifications/preferences.repository.ts';
import { expectToHold } from '../queue/support/quiet.ts';
import { buildTestApp, registerUser, testConfig, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { DURABLE_DATABASES, inbox, waitFor } from './notifications-helpers.ts';

/** Room for 30 sign-ups from one address. */
const MANY_USERS = { AUTH_RATE_LIMIT_IP: '1000/1m' };

const fieldsOf = (body: string) =>
  (JSON.parse(body) as { errors?: { field: string }[] }).errors?.map((e) => e.field);

interface Progress {
  broadcastId: string;
  status: string;
  delivered: number;
  createdAt: string;
  completedAt: string | null;
}

const progressOf = async (app: FastifyInstance, admin: TestUser, id: string) =>
  (
    await app.inject({ method: 'GET', url: `/api/admin/notifications/broadcasts/${id}`, headers: admin.auth })
  ).json<Progress>();

const finished = (app: FastifyInstance, admin: TestUser, id: string) =>
  waitFor(
    async () => {
      const p = await progressOf(app, admin, id);
      return p.status === 'completed' || p.status === 'failed' ? p : undefined;
    },
    20_000,
    `broadcast ${id} to finish`,
  );

describe.each(TEST_DATABASES)('admin broadcasts ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;
  let sink: SmtpSink;
  const users: TestUser[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    const db = await database.create();
    drop = db.drop;
    app = await buildTestApp(
      { ...MANY_USERS, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, EMAIL_POLL_INTERVAL: '50ms' },
      db.config,
    );
    admin = await registerUser(app);
    for (let i = 0; i < 30; i++) users.push(await registerUser(app));
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
    await sink?.close();
  });

  const broadcast = (user: TestUser, payload: object) =>
    app.inject({ method: 'POST', url: '/api/admin/notifications/broadcast', headers: user.auth, payload });

  it('answers 202 at once and reaches every user, once, with the system_update', async () => {
    const quiet = users[3]!;
    await inbox(app, quiet).call('PUT', '/api/notifications/preferences', {
      categories: { system_update: { in_app: false } },
    });
    // E-mail for broadcasts is off by default; one user asked for it.
    const reader = users[7]!;
    await inbox(app, reader).call('PUT', '/api/notifications/preferences', {
      categories: { system_update: { email: true } },
    });
    const res = await broadcast(admin, {
      title: 'Maintenance tonight',
      content: 'The API is read-only from 22:00 to 22:30 UTC.',
      actionUrl: '/status',
    });
    expect(res.statusCode).toBe(202);
    const accepted = res.json<{ broadcastId: string; status: string }>();
    expect(accepted).toEqual({ broadcastId: expect.any(String), status: 'pending' });
    const done = await finished(app, admin, accepted.broadcastId);
    // 30 users and the admin, less the one who turned system updates off in the inbox.
    expect(done).toMatchObject({ status: 'completed', delivered: 30, completedAt: expect.any(String) });
    for (const user of [admin, ...users]) {
      const items = (await inbox(app, user).list('?type=system_update')).items;
      if (user === quiet) {
        expect(items).toEqual([]);
        continue;
      }
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        type: 'system_update',
        title: 'Maintenance tonight',
        content: 'The API is read-only from 22:00 to 22:30 UTC.',
        actionUrl: '/status',
        read: false,
        data: { broadcastId: accepted.broadcastId },
      });
    }
    expect(await inbox(app, users[0]!).count()).toBe(1);
    // Only the user who asked for broadcast e-mail gets one.
    const mail = await waitFor(() => sink.messages[0], 15_000, 'the broadcast e-mail');
    expect(mail).toMatchObject({ subject: 'Maintenance tonight', envelope: { to: [reader.email] } });
    await expectToHold(() => sink.messages.length === 1, 500, 'one broadcast e-mail');
  });

  it('walks the users in batches; a second process finds the broadcast held and delivers nothing twice', async () => {
    const db = app.database.db;
    const batches: string[][] = [];
    const processOf = (instanceId: string) =>
      createBroadcasts({
        db,
        broadcasts: createBroadcastRepository(db),
        notifications: createNotificationRepository(db),
        preferences: createPreferencesRepository(db),
        service: {
          publishCreated: async () => undefined,
          publishCounts: async (ids) => void batches.push(ids),
        },
        users: createUserDirectory(db),
        email: app.email,
        instanceId,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
        batchSize: 4,
      });
    const one = processOf('process-one');
    const two = processOf('process-two');
    sink.clear();
    const { broadcastId } = await one.create(admin.id, { title: 'In batches' });
    two.kick();
    const done = await finished(app, admin, broadcastId);
    await Promise.all([one.stop(), two.stop()]);
    expect(done).toMatchObject({ status: 'completed', delivered: 30 });
    const rows = await db
      .selectFrom('notifications')
      .select(['user_id'])
      .where('dedupe_key', '=', `broadcast:${broadcastId}`)
      .execute();
    // Everyone but the user whose in-app system updates are off, each once; 31 users in batches of 4.
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r.user_id)).size).toBe(30);
    expect(batches).toHaveLength(8);
    expect(batches.every((b) => b.length <= 4)).toBe(true);
    await waitFor(() => sink.messages.length === 1, 15_000, 'the one broadcast e-mail');
    await expectToHold(() => sink.messages.length === 1, 500, 'one e-mail');
  });

  it('is for admins only (403), and an unknown broadcast is 404', async () => {
    const user = users[0]!;
    expect((await broadcast(user, { title: 'hi' })).statusCode).toBe(403);
    const res = await app.inject({
      method: 'GET',
      url: `/api/admin/notifications/broadcasts/${randomUUID()}`,
      headers: user.auth,
    });
    expect(res.statusCode).toBe(403);
    const unknown = await app.inject({
      method: 'GET',
      url: `/api/admin/notifications/broadcasts/${randomUUID()}`,
      headers: admin.auth,
    });
    expect(unknown.statusCode).toBe(404);
    expect((await inbox(app, user).list('?type=system_update')).items.map((n) => n.title)).not.toContain(
      'hi',
    );
  });

  it.each([
    [{}, '/body/title'],
    [{ title: '' }, '/body/title'],
    [{ title: 'x'.repeat(256) }, '/body/title'],
    [{ title: 'ok', content: 'x'.repeat(5001) }, '/body/content'],
    [{ title: 'ok', actionUrl: 'javascript:alert(1)' }, '/body/actionUrl'],
    [{ title: 'ok', actionUrl: '//evil.example/x' }, '/body/actionUrl'],
    [{ title: 'ok', to: 'everyone' }, '/body/to'],
  ])('refuses %j with 400 naming %s', async (payload, field) => {
    const res = await broadcast(admin, payload);
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
  });
});

describe.each(DURABLE_DATABASES)('a broadcast interrupted by a restart ($name)', (durable) => {
  let database: { config: DatabaseConfig; drop(): Promise<void> };
  let app: FastifyInstance | undefined;

  beforeAll(async () => {
    database = await durable.create();
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('resumes after the last batch the stopped process committed: nobody gets it twice or not at all', async () => {
    // The first process: no worker loop, so nothing else touches the broadcast it leaves behind.
    const first = await buildApp({ config: testConfig(MANY_USERS, database.config), worker: false });
    await first.ready();
    const admin = await registerUser(first);
    const users = [admin];
    for (let i = 0; i < 12; i++) users.push(await registerUser(first));
    const ids = users.map((u) => u.id).sort();
    const done = ids.slice(0, 6);
    // What a process leaves when it dies after committing its first batch (of 6): the broadcast running
    // under its expired lease with the cursor at that batch's last user, and that batch's notifications.
    const db = first.database.db;
    const b = await db
      .insertInto('notification_broadcasts')
      .values({
        created_by: admin.id,
        title: 'Resumed',
        content: null,
        action_url: null,
        status: 'running',
        cursor_user_id: done.at(-1)!,
        delivered: done.length,
        locked_by: 'a-process-that-died',
        started_at: new Date(Date.now() - 60_000),
        lease_until: new Date(Date.now() - 1000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('notifications')
      .values(
        done.map((userId) => ({
          user_id: userId,
          type: 'system_update' as const,
          title: 'Resumed',
          content: null,
          data: JSON.stringify({ broadcastId: b.id }),
          action_url: null,
          dedupe_key: `broadcast:${b.id}`,
        })),
      )
      .execute();
    // One of them read and deleted it before the restart: a resume from the start would bring it back.
    const deleter = users.find((u) => u.id === done[2])!;
    const [mine] = (await inbox(first, deleter).list()).items;
    expect((await inbox(first, deleter).call('DELETE', `/api/notifications/${mine!.id}`)).statusCode).toBe(
      204,
    );
    await first.close();

    app = await buildApp({ config: testConfig(MANY_USERS, database.config) });
    await app.ready();
    // The same secrets and sessions: the first process's access tokens still hold.
    const progress = await finished(app, admin, b.id);
    expect(progress).toMatchObject({ status: 'completed', delivered: users.length });
    for (const user of users) {
      const items = (await inbox(app, user).list()).items;
      expect(
        items.map((n) => n.title),
        user.id,
      ).toEqual(user === deleter ? [] : ['Resumed']);
    }
  });
});

describe.each(TEST_DATABASES)('broadcast leases ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    // No loop of its own: the test plays the processes.
    app = await buildApp({ config: testConfig({}, db.config), worker: false });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('a process whose lease ran out can no longer commit a batch; the one that took over can', async () => {
    const admin = await registerUser(app);
    const db = app.database.db;
    const repo = createBroadcastRepository(db);
    const b = await repo.create({ createdBy: admin.id, title: 'Leased', content: null, actionUrl: null });
    expect((await repo.claim('one', 60_000))?.id).toBe(b.id);
    // Held: nobody else gets it.
    expect(await repo.claim('two', 60_000)).toBeUndefined();
    // One stalls past its lease; two takes over from the same cursor.
    await db
      .updateTable('notification_broadcasts')
      .set({ lease_until: new Date(Date.now() - 1000) })
      .where('id', '=', b.id)
      .execute();
    expect((await repo.claim('two', 60_000))?.locked_by).toBe('two');
    const advance = (instanceId: string) =>
      db.transaction().execute((trx) => repo.advance(trx, b.id, instanceId, admin.id, 1, 60_000));
    expect(await advance('one')).toBe(false);
    expect(await advance('two')).toBe(true);
    expect(await repo.get(b.id)).toMatchObject({ delivered: 1, cursor_user_id: admin.id, locked_by: 'two' });
  });
});
