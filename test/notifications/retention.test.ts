import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createNotificationRepository } from '../../src/modules/notifications/notification.repository.ts';
import { createRetention } from '../../src/modules/notifications/retention.ts';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { inbox, seedNotifications, waitFor } from './notifications-helpers.ts';

const silent = { info: () => undefined, error: () => undefined };

describe.each(TEST_DATABASES)('notification retention ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    // The shortest retention the configuration accepts, swept every second.
    app = await buildTestApp(
      { NOTIFICATION_RETENTION: '1m', NOTIFICATION_RETENTION_INTERVAL: '1s' },
      db.config,
    );
    await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  /** Moves some of a user's notifications back in time (what a clock would do to them). */
  const age = async (ids: string[], ms: number) =>
    void (await app.database.db
      .updateTable('notifications')
      .set({ created_at: sql`now() - ${ms} * interval '1 millisecond'` })
      .where('id', 'in', ids)
      .execute());

  const idsOf = async (user: TestUser) => (await inbox(app, user).list()).items.map((n) => n.id);

  it('the periodic job deletes notifications older than the retention, read or not, and only those', async () => {
    const user = await registerUser(app);
    const other = await registerUser(app);
    await seedNotifications(app, user, 4);
    await seedNotifications(app, other, 1);
    const [a, b, c, d] = await idsOf(user);
    await inbox(app, user).call('PUT', `/api/notifications/${b}/read`);
    await age([a!, b!], 2 * 60_000);
    // Ten seconds short of the retention: kept.
    await age([c!], 50_000);
    await waitFor(async () => (await idsOf(user)).length === 2, 10_000, 'the old notifications to go');
    expect(await idsOf(user)).toEqual([d, c]);
    expect(await inbox(app, user).count()).toBe(2);
    expect(await idsOf(other)).toHaveLength(1);
  });

  it('runs on an injected clock, in bounded batches', async () => {
    const user = await registerUser(app);
    await seedNotifications(app, user, 5);
    const published: string[][] = [];
    const run = (now: Date) =>
      createRetention({
        notifications: createNotificationRepository(app.database.db),
        service: { publishCounts: async (ids) => void published.push(ids) },
        log: silent,
        retentionMs: 90 * 86_400_000,
        intervalMs: 3_600_000,
        now: () => now,
        batchSize: 2,
        maxBatches: 2,
      }).run();
    const day = 86_400_000;
    // 89 days on, nothing is old enough.
    expect(await run(new Date(Date.now() + 89 * day))).toBe(0);
    expect(await idsOf(user)).toHaveLength(5);
    // 91 days on, everything is: at most two batches of two per run, until none is left.
    const later = new Date(Date.now() + 91 * day);
    expect(await run(later)).toBe(4);
    await waitFor(async () => (await run(later)) === 0, 10_000, 'the backlog to be worked off');
    expect(await idsOf(user)).toEqual([]);
    expect(await inbox(app, user).count()).toBe(0);
    expect(published.flat()).toContain(user.id);
  });
});
