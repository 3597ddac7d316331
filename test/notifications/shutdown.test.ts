import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { buildTestApp, registerUser } from '../support/app.ts';
import { completedEvent, DURABLE_DATABASES, inbox } from './notifications-helpers.ts';

describe.each(DURABLE_DATABASES)('notifications at shutdown ($name)', (durable) => {
  let database: { config: DatabaseConfig; drop(): Promise<void> };
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    database = await durable.create();
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('test outcomes heard just before the app closes are still stored', async () => {
    const first = await buildTestApp({}, database.config);
    await registerUser(first);
    const user = await registerUser(first);
    const events = Array.from({ length: 3 }, () => completedEvent(user.id));
    for (const event of events) await first.events.publish('TestCompleted', event);
    await first.close();

    app = await buildTestApp({}, database.config);
    const items = (await inbox(app, user).list()).items;
    expect(items.map((n) => n.data?.testId).sort()).toEqual(events.map((e) => e.testId).sort());
  });
});
