import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { buildEmailApp, notification, outboxMessage, type OutboxView } from './email-helpers.ts';

// send() without SMTP (the embedded default): what is written to the outbox, and what is refused.
describe.each(TEST_DATABASES)('EmailService.send into the outbox ($name)', (database) => {
  let app: FastifyInstance;
  let lines: string[];
  let admin: TestUser;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    ({ app, lines } = await buildEmailApp(
      { EMAIL_RATE_LIMIT_RECIPIENT: '2/1h', EMAIL_MAX_BYTES: '65536' },
      db.config,
    ));
    admin = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const listTo = async (to: string) => {
    const res = await app.inject({ url: '/api/admin/outbox?limit=100', headers: admin.auth });
    return res.json<{ items: OutboxView[] }>().items.filter((i) => i.to === to);
  };

  it('commits the message with the caller’s transaction, or neither', async () => {
    const db = app.database.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await app.email.send(notification('rolled-back@example.test'), { db: trx });
        throw new Error('the caller’s work failed');
      }),
    ).rejects.toThrow('the caller’s work failed');
    expect(await listTo('rolled-back@example.test')).toHaveLength(0);

    const sent = await db
      .transaction()
      .execute((trx) => app.email.send(notification('committed@example.test'), { db: trx }));
    const [row] = await listTo('committed@example.test');
    expect(row).toMatchObject({ id: sent.id, status: 'pending', attempts: 0, template: 'notification' });
  });

  it('keeps a message pending without SMTP and logs one line with recipient and subject, not the body', async () => {
    const before = lines.length;
    const sent = await app.email.send(
      notification('logged@example.test', { title: 'Weekly digest', content: 'secret-body-text-42' }),
    );
    const logged = lines
      .slice(before)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.to === 'logged@example.test');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 30,
      to: 'logged@example.test',
      subject: 'Weekly digest',
      outboxId: sent.id,
    });
    expect(JSON.stringify(logged)).not.toContain('secret-body-text-42');
    const stored = await outboxMessage(app, admin, sent.id);
    expect(stored.status).toBe('pending');
    expect(stored.text).toContain('secret-body-text-42');
  });

  it.each([
    ['two addresses', 'a@example.test, b@example.test'],
    ['a header after CR/LF', 'a@example.test\r\nBcc: b@example.test'],
    ['a display name', 'Eve <eve@example.test>'],
    ['no domain', 'eve@'],
    ['no @', 'eve.example.test'],
    ['too long', `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.test`],
  ])('refuses a recipient with %s as a ValidationError naming to', async (_what, to) => {
    await expect(app.email.send(notification(to))).rejects.toMatchObject({
      status: 400,
      errors: [{ field: '/to', message: expect.any(String) }],
    });
  });

  it('puts CR/LF of a title into the subject as spaces, so no header can be injected', async () => {
    const sent = await app.email.send(
      notification('inject@example.test', { title: 'Hello\r\nBcc: victim@example.test\r\n\r\nbody' }),
    );
    const stored = await outboxMessage(app, admin, sent.id);
    expect(stored.subject).toBe('Hello Bcc: victim@example.test body');
  });

  it('caps a long title at 200 characters and long content, so normal use stays under the size cap', async () => {
    const sent = await app.email.send(
      notification('long@example.test', { title: 'T'.repeat(5000), content: 'C'.repeat(1_000_000) }),
    );
    const stored = await outboxMessage(app, admin, sent.id);
    expect([...stored.subject]).toHaveLength(200);
    expect(stored.subject.endsWith('…')).toBe(true);
    expect(stored.text.length).toBeLessThan(12_000);
    expect(stored.text).toContain('C'.repeat(9000));
  });

  it('refuses a message over EMAIL_MAX_BYTES and writes nothing', async () => {
    const small = await buildEmailApp({ EMAIL_MAX_BYTES: '4096' });
    try {
      const big = notification('big@example.test', { content: 'x'.repeat(5000) });
      await expect(small.app.email.send(big)).rejects.toMatchObject({
        status: 413,
        code: 'ERR_EMAIL_TOO_LARGE',
      });
      const fits = await small.app.email.send(notification('big@example.test', { content: 'x'.repeat(500) }));
      expect(fits.status).toBe('pending');
      const rows = await small.app.database.db.selectFrom('email_outbox').select('recipient').execute();
      expect(rows).toHaveLength(1);
    } finally {
      await small.app.close();
    }
  });

  it('stores messages beyond the per-recipient rate limit as failed (rate limited), whatever the case', async () => {
    const first = await app.email.send(notification('limited@example.test'));
    const second = await app.email.send(notification('LIMITED@example.test'));
    const before = lines.length;
    const third = await app.email.send(notification('Limited@Example.test'));
    expect([first.status, second.status, third.status]).toEqual(['pending', 'pending', 'failed']);
    const stored = await outboxMessage(app, admin, third.id);
    expect(stored).toMatchObject({ status: 'failed', attempts: 0 });
    expect(stored.lastError).toMatch(/^rate limited/);
    const warned = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warned).toContainEqual(expect.objectContaining({ level: 40, outboxId: third.id }));
    // A refused message does not count: the window still holds two, and other addresses are unaffected.
    expect((await app.email.send(notification('other@example.test'))).status).toBe('pending');
  });
});
