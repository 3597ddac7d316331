import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { buildTestApp, registerUser } from '../support/app.ts';
import { POSTGRES_URL, TEST_DATABASES } from '../support/databases.ts';
import { completedEvent, inbox } from './notifications-helpers.ts';

/** A database that outlives an app: PGlite on disk, and PostgreSQL when configured. */
const DURABLE: { name: string; create(): Promise<{ config: DatabaseConfig; drop(): Promise<void> }> }[] = [
  {
    name: 'pglite on disk',
    async create() {
      const dir = mkdtempSync(path.join(tmpdir(), 'testweb-notify-shutdown-'));
      return {
        config: { driver: 'pglite', dir },
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  ...(POSTGRES_URL ? [TEST_DATABASES.find((d) => d.name === 'postgres')!] : []),
];

describe.each(DURABLE)('notifications at shutdown ($name)', (durable) => {
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
