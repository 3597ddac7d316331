import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxDispatcher, type OutboxDispatcher } from '../../src/modules/email/outbox.dispatcher.ts';
import { createOutboxRepository } from '../../src/modules/email/outbox.repository.ts';
import { createSmtpTransport } from '../../src/modules/email/smtp.transport.ts';
import { registerUser, testConfig, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { waitFor } from '../support/wait.ts';
import { expectToHold } from '../queue/support/quiet.ts';
import { buildEmailApp, notification, smtpEnv, waitForStatus } from './email-helpers.ts';

/**
 * A dispatcher dies after the SMTP server accepted a message but before the outbox recorded it. The
 * design takes the at-most-once side of that window: the next dispatcher finds the attempt's lease
 * expired and fails the row as interrupted instead of sending it a second time.
 */
describe.each(TEST_DATABASES)('the crash window between send and status update ($name)', (database) => {
  let sink: SmtpSink;
  let app: FastifyInstance;
  let admin: TestUser;
  let drop: () => Promise<void>;
  const dispatchers: OutboxDispatcher[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    const db = await database.create();
    drop = db.drop;
    // The app writes and shows the outbox but does not deliver (no SMTP): the dispatchers below do.
    ({ app } = await buildEmailApp({}, db.config));
    admin = await registerUser(app);
  });
  afterAll(async () => {
    for (const d of dispatchers) await d.close(1000);
    await app?.close();
    await sink?.close();
    await drop?.();
  });

  function dispatcher(
    instanceId: string,
    repo: Parameters<typeof createOutboxDispatcher>[0]['repo'],
    leaseMs?: number,
  ) {
    const config = testConfig(smtpEnv(sink.port)).email;
    const d = createOutboxDispatcher({
      repo,
      transport: createSmtpTransport(config),
      config,
      instanceId,
      log: app.log,
      leaseMs,
    });
    dispatchers.push(d);
    return d;
  }

  it('sends the message once and fails the row as interrupted; an admin may resend it deliberately', async () => {
    const sent = await app.email.send(notification('once@example.test', { title: 'Exactly once' }));
    const repo = createOutboxRepository(app.database.db);

    // Dispatcher A: the SMTP server takes the message, then the process "dies" before recording it.
    let died = false;
    const dying = dispatcher(
      'worker-a',
      {
        ...repo,
        markSent: async () => {
          died = true;
          void dying.close(0);
          throw new Error('the process died here');
        },
      },
      100, // its lease runs out soon after, as a dead worker's does
    );
    dying.start();
    await waitFor(() => died && sink.messages.length === 1, 10_000, 'A to send and die');
    expect((await waitForStatus(app, admin, sent.id, 'sending')).attempts).toBe(1);

    // Dispatcher B, in another process: the lease has expired, and the row is not sent again.
    const next = dispatcher('worker-b', repo);
    next.start();
    const row = await waitForStatus(app, admin, sent.id, 'failed');
    expect(row.lastError).toMatch(/interrupted during delivery.*not retried to avoid a duplicate/);
    expect(row.attempts).toBe(1);
    // B has polled several times since (50 ms): still the one message.
    await expectToHold(() => sink.messages.length === 1, 500, 'one message at the SMTP server');

    // The admin's deliberate resend goes out with the same Message-ID, so a mail client can tell.
    const retry = await app.inject({
      method: 'POST',
      url: `/api/admin/outbox/${sent.id}/retry`,
      headers: admin.auth,
    });
    expect(retry.statusCode).toBe(200);
    const resent = await waitForStatus(app, admin, sent.id, 'sent');
    expect(resent.attempts).toBe(1);
    expect(sink.messages).toHaveLength(2);
    expect(sink.messages[1]!.messageId).toBe(sink.messages[0]!.messageId);
    expect(sink.messages[0]!.messageId).toBe(resent.messageId);
    await next.close(1000);
  });

  it('a status write that lost its attempt (the row moved on) changes nothing', async () => {
    const sent = await app.email.send(notification('fenced@example.test'));
    const repo = createOutboxRepository(app.database.db);
    const [claimed] = await repo
      .claimDue('worker-c', 100, 60_000, 86_400_000)
      .then((rows) => rows.filter((r) => r.id === sent.id));
    expect(claimed).toBeDefined();
    // Another attempt's writer (older attempt number, other instance) cannot overwrite this one.
    expect(await repo.markSent({ id: sent.id, lockedBy: 'worker-d', attempts: claimed!.attempts })).toBe(
      false,
    );
    expect(
      await repo.markFailed({ id: sent.id, lockedBy: 'worker-c', attempts: claimed!.attempts - 1 }, 'late'),
    ).toBe(false);
    expect((await waitForStatus(app, admin, sent.id, 'sending')).lastError).toBeNull();
    expect(await repo.markSent({ id: sent.id, lockedBy: 'worker-c', attempts: claimed!.attempts })).toBe(
      true,
    );
    await waitForStatus(app, admin, sent.id, 'sent');
  });
});
