import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { inbox, seedNotifications, waitFor } from './notifications-helpers.ts';

/**
 * The unread badge is a counter kept by triggers (migration 005), not a count over the inbox: these tests
 * hold it against the rows themselves through every kind of change, single and batched.
 */
describe.each(TEST_DATABASES)('unread counter ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildTestApp({}, db.config);
    admin = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const truth = async (user: TestUser) =>
    (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM notifications
        WHERE user_id = ${user.id} AND NOT is_read`.execute(app.database.db)
    ).rows[0]!.n;

  /** The badge the API shows equals the unread rows, and is `expected`. */
  async function expectBadge(user: TestUser, expected: number): Promise<void> {
    expect(await truth(user)).toBe(expected);
    expect(await inbox(app, user).count()).toBe(expected);
  }

  it('follows inserts, reads (one, several, all), unread rows deleted and read ones deleted', async () => {
    const user = await registerUser(app);
    const mine = inbox(app, user);
    await seedNotifications(app, user, 12);
    await expectBadge(user, 12);
    const items = await mine.all();

    expect((await mine.call('PUT', `/api/notifications/${items[0]!.id}/read`)).statusCode).toBe(200);
    // Reading it again changes nothing.
    expect((await mine.call('PUT', `/api/notifications/${items[0]!.id}/read`)).statusCode).toBe(200);
    await expectBadge(user, 11);

    const ids = items.slice(0, 4).map((n) => n.id); // one of them already read
    expect((await mine.call('PUT', '/api/notifications/read', { ids })).statusCode).toBe(200);
    await expectBadge(user, 8);

    // Deleting a read one leaves the badge; deleting an unread one lowers it.
    expect((await mine.call('DELETE', `/api/notifications/${items[1]!.id}`)).statusCode).toBe(204);
    await expectBadge(user, 8);
    expect((await mine.call('DELETE', `/api/notifications/${items[5]!.id}`)).statusCode).toBe(204);
    await expectBadge(user, 7);

    expect((await mine.call('PUT', '/api/notifications/read-all')).statusCode).toBe(200);
    await expectBadge(user, 0);
    await seedNotifications(app, user, 3);
    await expectBadge(user, 3);
  });

  it('follows a broadcast (one batched insert for many users) and retention (a batched delete)', async () => {
    const users = [await registerUser(app), await registerUser(app), await registerUser(app)];
    await seedNotifications(app, users[0]!, 2);
    const res = await app.inject({
      method: 'POST',
      url: '/api/admin/notifications/broadcast',
      headers: admin.auth,
      payload: { title: 'Maintenance tonight' },
    });
    expect(res.statusCode).toBe(202);
    await waitFor(async () => (await inbox(app, users[2]!).count()) === 1, 20_000, 'the broadcast');
    await expectBadge(users[0]!, 3);
    await expectBadge(users[1]!, 1);

    // Age user 0's two test notifications past the retention; the sweep deletes them in a batch.
    await sql`UPDATE notifications SET created_at = now() - interval '400 days'
      WHERE user_id = ${users[0]!.id} AND type = 'test_completed'`.execute(app.database.db);
    await app.notifications.retention.run();
    await expectBadge(users[0]!, 1);
  });

  it('goes with its user: deleting an account removes its counter and nothing fails', async () => {
    const user = await registerUser(app);
    await seedNotifications(app, user, 2);
    await sql`DELETE FROM users WHERE id = ${user.id}`.execute(app.database.db);
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notification_unread_counts
      WHERE user_id = ${user.id}`.execute(app.database.db);
    expect(left.rows[0]!.n).toBe(0);
  });
});
