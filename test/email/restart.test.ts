import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { waitFor } from '../support/wait.ts';
import {
  buildEmailApp,
  notification,
  outboxMessage,
  smtpEnv,
  dropVerificationMail,
  waitForStatus,
  type OutboxView,
} from './email-helpers.ts';

// A persistent database: PGlite in a temporary directory, or the suite's own PostgreSQL database.
async function persistent(database: (typeof TEST_DATABASES)[number]) {
  if (database.name === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'testweb-email-'));
    const config: DatabaseConfig = { driver: 'pglite', dir };
    return { config, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  return database.create();
}

describe.each(TEST_DATABASES)('the outbox across a restart ($name)', (database) => {
  let sink: SmtpSink;
  let db: { config: DatabaseConfig; drop(): Promise<void> };

  beforeAll(async () => {
    sink = await startSmtpSink();
    db = await persistent(database);
  });
  afterAll(async () => {
    await sink?.close();
    await db?.drop();
  });

  it('delivers a message written before the restart, fails an expired one, and drops old sent and failed ones', async () => {
    // Before: no SMTP. One message waits; one old sent and one old failed message from long ago.
    const first = await buildEmailApp({ EMAIL_RATE_LIMIT_RECIPIENT: '1/1h' }, db.config);
    let admin: TestUser;
    let waiting: string;
    let stale: string;
    let old: string[];
    try {
      admin = await registerUser(first.app, 'admin@example.test');
      await dropVerificationMail(first.app);
      const a = await first.app.email.send(notification('old@example.test', { title: 'Old, sent' }));
      const b = await first.app.email.send(notification('old@example.test', { title: 'Old, rate limited' }));
      old = [a.id, b.id];
      // Time passes for these two: written (and the first sent) two hours ago.
      await sql`UPDATE email_outbox SET status = 'sent', sent_at = now() - interval '2 hours'
        WHERE id = ${a.id}`.execute(first.app.database.db);
      await sql`UPDATE email_outbox SET created_at = now() - interval '2 hours'
        WHERE id IN (${a.id}, ${b.id})`.execute(first.app.database.db);
      waiting = (await first.app.email.send(notification('waiting@example.test', { title: 'Survivor' }))).id;
      // Queued two days ago: older than EMAIL_MAX_AGE (24 h) by the time a dispatcher sees it.
      stale = (await first.app.email.send(notification('stale@example.test', { title: 'Too late' }))).id;
      await sql`UPDATE email_outbox SET queued_at = now() - interval '2 days' WHERE id = ${stale}`.execute(
        first.app.database.db,
      );
    } finally {
      await first.app.close();
    }
    expect(sink.messages).toHaveLength(0);

    // After: the same database, now with SMTP.
    const second = await buildEmailApp(smtpEnv(sink.port, { EMAIL_RETENTION: '1h' }), db.config);
    try {
      const mail = await waitFor(() => sink.messages[0], 10_000, 'the message written before the restart');
      expect(mail.subject).toBe('Survivor');
      expect(mail.envelope.to).toEqual(['waiting@example.test']);
      await waitFor(
        async () => (await outboxMessage(second.app, admin, waiting)).status === 'sent',
        10_000,
        'sent',
      );
      await waitForStatus(second.app, admin, stale, 'failed');
      const list = await second.app.inject({ url: '/api/admin/outbox', headers: admin.auth });
      const ids = list.json<{ items: OutboxView[] }>().items.map((i) => i.id);
      expect(ids).toEqual([stale, waiting]);
      expect(ids).not.toContain(old[0]);
      const expired = await waitForStatus(second.app, admin, stale, 'failed');
      expect(expired).toMatchObject({ status: 'failed', attempts: 1 });
      expect(expired.lastError).toMatch(/^expired/);
      expect(sink.messages).toHaveLength(1);
    } finally {
      await second.app.close();
    }
  });
});
