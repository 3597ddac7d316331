import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { waitFor } from '../support/wait.ts';
import { buildEmailApp, notification, outboxMessage, smtpEnv, waitForStatus } from './email-helpers.ts';

describe.each(TEST_DATABASES)('e-mail delivery over SMTP ($name)', (database) => {
  let sink: SmtpSink;
  let app: FastifyInstance;
  let admin: TestUser;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    const db = await database.create();
    drop = db.drop;
    ({ app } = await buildEmailApp(
      smtpEnv(sink.port, {
        PUBLIC_URL: 'https://testweb.example',
        MAIL_FROM: 'TestWeb <noreply@mail.example>',
      }),
      db.config,
    ));
    admin = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await sink?.close();
    await drop?.();
  });
  beforeEach(() => sink.clear());

  it('delivers recipient, subject, text and HTML parts with the Message-ID stored in the outbox', async () => {
    const sent = await app.email.send(
      notification('owner@example.test', {
        title: 'Test failed: https://shop.example',
        content: 'The API test failed 3 of 5 checks.',
        actionUrl: '/tests/0b7c4a53-39a4-4d0e-9b52-7f4d8a3b6f10',
      }),
    );
    const mail = await waitFor(() => sink.messages[0], 10_000, 'the message at the SMTP server');
    expect(mail.envelope.to).toEqual(['owner@example.test']);
    expect(mail.envelope.from).toBe('noreply@mail.example');
    expect(mail.subject).toBe('Test failed: https://shop.example');
    expect(mail.text).toContain('The API test failed 3 of 5 checks.');
    expect(mail.text).toContain(
      'Open in TestWeb: https://testweb.example/tests/0b7c4a53-39a4-4d0e-9b52-7f4d8a3b6f10',
    );
    expect(mail.text).toContain('Settings → Notifications');
    expect(mail.html).toContain('The API test failed 3 of 5 checks.');
    expect(mail.html).toContain('href="https://testweb.example/tests/0b7c4a53-39a4-4d0e-9b52-7f4d8a3b6f10"');

    const stored = await waitForStatus(app, admin, sent.id, 'sent');
    expect(stored.messageId).toBe(`<${sent.id}@mail.example>`);
    expect(mail.messageId).toBe(stored.messageId);
    expect(stored.attempts).toBe(1);
    expect(stored.sentAt).not.toBeNull();
  });

  it('delivers a message written in a transaction once it commits, and never one rolled back', async () => {
    const db = app.database.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await app.email.send(notification('tx@example.test', { title: 'Rolled back' }), { db: trx });
        // Held open until the dispatcher has demonstrably polled meanwhile: a message written outside the
        // transaction is delivered first (PostgreSQL; PGlite has one connection, so nothing else can run
        // while the transaction is open and there is no poll to wait for).
        if (database.name === 'postgres') {
          await app.email.send(notification('tx@example.test', { title: 'Outside' }));
          await waitFor(() => sink.messages.some((m) => m.subject === 'Outside'), 10_000, 'a poll meanwhile');
        }
        throw new Error('the caller’s work failed');
      }),
    ).rejects.toThrow('the caller’s work failed');
    const sent = await db
      .transaction()
      .execute((trx) => app.email.send(notification('tx@example.test', { title: 'Committed' }), { db: trx }));
    await waitForStatus(app, admin, sent.id, 'sent');
    expect(sink.messages.map((m) => m.subject).filter((t) => t !== 'Outside')).toEqual(['Committed']);
  });

  it('escapes <script> from user data in the HTML part and keeps it as text in the text part', async () => {
    const evil = '<script>alert("x")</script>';
    const sent = await app.email.send(
      notification('owner@example.test', { title: `Site ${evil}`, content: `Body ${evil} & more` }),
    );
    const mail = await waitFor(() => sink.messages[0], 10_000, 'the message');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Body &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(mail.html).toContain('<title>Site &lt;script&gt;');
    expect(mail.text).toContain(`Body ${evil} & more`);
    expect(mail.subject).toBe(`Site ${evil}`);
    await waitForStatus(app, admin, sent.id, 'sent');
  });

  it('emits no link for an actionUrl that is not http(s)', async () => {
    await app.email.send(
      notification('owner@example.test', { content: 'x', actionUrl: 'javascript:alert(1)' }),
    );
    const mail = await waitFor(() => sink.messages[0], 10_000, 'the message');
    expect(mail.html).not.toContain('javascript:');
    expect(mail.html).not.toContain('Open in TestWeb');
    expect(mail.text).not.toContain('Open in TestWeb');
  });

  it('writes in Simplified Chinese for the zh-CN locale', async () => {
    const sent = await app.email.send(
      notification(
        'owner@example.test',
        { title: '测试失败：首页', content: '5 项检查中有 3 项失败。', actionUrl: '/tests/1' },
        'zh-CN',
      ),
    );
    const mail = await waitFor(() => sink.messages[0], 10_000, 'the message');
    expect(mail.subject).toBe('测试失败：首页');
    expect(mail.text).toContain('5 项检查中有 3 项失败。');
    expect(mail.text).toContain('在 TestWeb 中查看: https://testweb.example/tests/1');
    expect(mail.text).toContain('设置 → 通知');
    expect(mail.html).toContain('lang="zh-CN"');
    expect(mail.html).toContain('在 TestWeb 中查看');
    expect((await waitForStatus(app, admin, sent.id, 'sent')).locale).toBe('zh-CN');
  });

  it('retries after the server refused the first attempt: one message arrives, attempts 2', async () => {
    sink.refuseNext(1, 451);
    const sent = await app.email.send(notification('greylisted@example.test', { title: 'Retry me' }));
    const stored = await waitForStatus(app, admin, sent.id, 'sent');
    expect(sink.refused).toBe(1);
    expect(sink.messages).toHaveLength(1);
    expect(sink.messages[0]!.subject).toBe('Retry me');
    expect(stored.attempts).toBe(2);
    expect(stored.lastError).toBeNull();
  });

  it('fails at once without a retry on a permanent 5xx', async () => {
    sink.refuseNext(5, 550);
    const sent = await app.email.send(notification('nobody@example.test', { title: 'No such user' }));
    const stored = await waitForStatus(app, admin, sent.id, 'failed');
    expect(stored.attempts).toBe(1);
    expect(stored.lastError).toContain('550');
    expect(sink.refused).toBe(1);
    expect(sink.messages).toHaveLength(0);
    sink.refuseNext(0, 550);
  });

  it('delivers a title with CR/LF as one subject line: no injected header, no extra recipient', async () => {
    const sent = await app.email.send(
      notification('owner@example.test', { title: 'Hi\r\nBcc: victim@example.test\r\nX-Evil: 1' }),
    );
    const mail = await waitFor(() => sink.messages[0], 10_000, 'the message');
    expect(mail.envelope.to).toEqual(['owner@example.test']);
    expect(mail.subject).toBe('Hi Bcc: victim@example.test X-Evil: 1');
    expect(mail.parsed.headers.has('bcc')).toBe(false);
    expect(mail.parsed.headers.has('x-evil')).toBe(false);
    await waitForStatus(app, admin, sent.id, 'sent');
  });

  it('backs off exponentially on 4xx and fails once EMAIL_MAX_ATTEMPTS (5) are used', async () => {
    sink.refuseNext(5, 451);
    const started = Date.now();
    const sent = await app.email.send(notification('full@example.test', { title: 'Mailbox full' }));
    const stored = await waitForStatus(app, admin, sent.id, 'failed', 20_000);
    // Waits of 50, 100, 200 and 400 ms between the five attempts.
    expect(Date.now() - started).toBeGreaterThanOrEqual(750);
    expect(stored.attempts).toBe(5);
    expect(stored.lastError).toMatch(/451.*gave up after 5 attempts/);
    expect(sink.refused).toBe(5);
    expect(sink.messages).toHaveLength(0);
  });

  it('delivers a permanently failed message after an admin retries it', async () => {
    sink.refuseNext(1, 554);
    const sent = await app.email.send(notification('later@example.test', { title: 'Second chance' }));
    await waitForStatus(app, admin, sent.id, 'failed');
    const res = await app.inject({
      method: 'POST',
      url: `/api/admin/outbox/${sent.id}/retry`,
      headers: admin.auth,
    });
    expect(res.statusCode).toBe(200);
    const stored = await waitForStatus(app, admin, sent.id, 'sent');
    expect(stored.attempts).toBe(1);
    expect(sink.messages.map((m) => m.subject)).toEqual(['Second chance']);
  });
});

describe.each(TEST_DATABASES)('e-mail delivery while the SMTP server is unreachable ($name)', (database) => {
  it('keeps the message pending with the connection error, and delivers it once the server is back', async () => {
    const sink = await startSmtpSink();
    const proxy = await startTcpProxy('127.0.0.1', sink.port);
    const db = await database.create();
    const { app } = await buildEmailApp(smtpEnv(proxy.port, { EMAIL_RETRY_BACKOFF: '200ms' }), db.config);
    try {
      const admin = await registerUser(app);
      await proxy.stop();
      const sent = await app.email.send(notification('patient@example.test', { title: 'Eventually' }));
      const waiting = await waitFor(
        async () => {
          const m = await outboxMessage(app, admin, sent.id);
          return m.status === 'pending' && m.attempts >= 1 ? m : null;
        },
        10_000,
        'a failed first attempt',
      );
      expect(waiting.lastError).toMatch(/ECONNECTION|ECONNREFUSED/);
      await proxy.start();
      const stored = await waitForStatus(app, admin, sent.id, 'sent', 20_000);
      expect(stored.attempts).toBeGreaterThanOrEqual(2);
      expect(sink.messages.map((m) => m.subject)).toEqual(['Eventually']);
    } finally {
      await app.close();
      await proxy.close();
      await sink.close();
      await db.drop();
    }
  });
});
