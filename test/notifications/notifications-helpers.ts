import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config/index.ts';
import type { NotificationPayload } from '../../src/shared/events/index.ts';
import type { TestUser } from '../support/app.ts';
import { POSTGRES_URL, TEST_DATABASES } from '../support/databases.ts';
import { waitFor } from '../support/wait.ts';

/** A notification as GET /api/notifications lists it (the shape the events carry too). */
export type Notification = NotificationPayload;

export interface Page {
  items: Notification[];
  nextCursor?: string;
}

/** HTTP calls of one user against one app. */
export function inbox(app: FastifyInstance, user: TestUser) {
  const call = (method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST', url: string, payload?: object) =>
    app.inject({ method, url, headers: user.auth, ...(payload ? { payload } : {}) });
  return {
    call,
    async list(query = ''): Promise<Page> {
      const res = await call('GET', `/api/notifications${query}`);
      if (res.statusCode !== 200) throw new Error(`list: ${res.statusCode} ${res.body}`);
      return res.json<Page>();
    },
    async count(): Promise<number> {
      const res = await call('GET', '/api/notifications/unread-count');
      if (res.statusCode !== 200) throw new Error(`unread-count: ${res.statusCode} ${res.body}`);
      return res.json<{ count: number }>().count;
    },
    /** Every notification, walking the cursor pages. */
    async all(query = ''): Promise<Notification[]> {
      const items: Notification[] = [];
      let cursor: string | undefined;
      do {
        const sep = query ? '&' : '?';
        const page = await this.list(`${query}${cursor ? `${sep}cursor=${cursor}` : ''}`);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
  };
}

/** A test outcome as the job handler publishes it (the notification sources' input). */
export function completedEvent(
  userId: string,
  extra: Partial<{ passed: boolean | null; score: number }> = {},
) {
  return {
    testId: randomUUID(),
    runId: randomUUID(),
    userId,
    type: 'api',
    url: 'http://127.0.0.1:9/health',
    passed: true,
    score: 100,
    metrics: {},
    ...extra,
  };
}

/**
 * Gives `user` `n` test_completed notifications through the TestCompleted source (one event each) and
 * waits until their unread count says they are all there.
 */
export async function seedNotifications(app: FastifyInstance, user: TestUser, n: number): Promise<void> {
  const before = await inbox(app, user).count();
  for (let i = 0; i < n; i++) await app.events.publish('TestCompleted', completedEvent(user.id));
  await waitFor(
    async () => (await inbox(app, user).count()) === before + n,
    10_000,
    `${n} notifications for ${user.email}`,
  );
}

/** A database that outlives an app (a restart): PGlite on disk, and PostgreSQL when configured. */
export const DURABLE_DATABASES: {
  name: string;
  create(): Promise<{ config: DatabaseConfig; drop(): Promise<void> }>;
}[] = [
  {
    name: 'pglite on disk',
    async create() {
      const dir = mkdtempSync(path.join(tmpdir(), 'testweb-notifications-'));
      return {
        config: { driver: 'pglite', dir },
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  ...(POSTGRES_URL ? [TEST_DATABASES.find((d) => d.name === 'postgres')!] : []),
];

export { waitFor };
