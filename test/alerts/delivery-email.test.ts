import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markEmailVerified, registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../support/smtp-sink.ts';
import { waitFor } from '../support/wait.ts';
import {
  buildDeliveryApp,
  fire,
  insertRule,
  settled,
  startReceiver,
  type DeliveryApp,
} from './delivery-helpers.ts';

const smtp = (port: number) => ({
  SMTP_URL: `smtp://127.0.0.1:${port}`,
  EMAIL_POLL_INTERVAL: '50ms',
  EMAIL_RETRY_BACKOFF: '50ms',
  SMTP_TIMEOUT: '5s',
  PUBLIC_URL: 'http://testweb.example.test',
  ADMIN_EMAIL: 'ops@example.test,oncall@example.test',
});

describe.each(TEST_DATABASES)('alert e-mail ($name)', (database) => {
  let h: DeliveryApp;
  let db: Awaited<ReturnType<typeof database.create>>;
  let sink: SmtpSink;
  let admin: TestUser;
  let user: TestUser;

  // Alert e-mails only (sign-up sends a verification e-mail too).
  const mailsTo = (to: string) =>
    sink.messages.filter((m) => m.envelope.to.includes(to) && /^\[/.test(m.subject ?? ''));
  const mailTo = (to: string): Promise<ReceivedMail> =>
    waitFor(() => mailsTo(to)[0], 10_000, `the e-mail to ${to}`);

  beforeAll(async () => {
    db = await database.create();
    sink = await startSmtpSink();
    h = await buildDeliveryApp(smtp(sink.port), db.config);
    admin = await registerUser(h.app);
    user = await registerUser(h.app);
    await markEmailVerified(h.app, admin.id);
    await markEmailVerified(h.app, user.id);
  });
  afterAll(async () => {
    await h?.app.close();
    await sink?.close();
    await db?.drop();
  });

  it('mails the owner the seed’s fields: severity, title, time, description, metric = value, a link', async () => {
    const { rule } = await insertRule(h.app, h.delivery, user, { channels: ['email'] });
    const alert = await fire(h.app, h.delivery, rule, 'alert.triggered', {
      triggeredAt: '2026-12-02T02:06:13.000Z',
    });
    const mail = await mailTo(user.email);
    expect(mail.subject).toBe(`[CRITICAL] Alert: ${alert.title}`);
    const text = mail.text!;
    expect(text).toContain('Severity: CRITICAL');
    expect(text).toContain('Rule: Slow LCP');
    expect(text).toContain('Triggered: 2026-12-02 02:06:13 UTC');
    expect(text).toContain('Metric: lcp_ms = 3200 (> 2500)');
    expect(text).toContain('The landing page got slow.');
    expect(text).toContain('http://testweb.example.test/tests/abc');
    expect(mail.html).toContain('href="http://testweb.example.test/tests/abc"');
    const d = await settled(h.app, user, alert.id, 'delivered');
    expect(d).toMatchObject({ channel: 'email', attemptCount: 1 });
    expect(d.attempts[0]).toMatchObject({ ok: true, error: null });
  });

  it('writes in the owner’s language', async () => {
    const zh = await registerUser(h.app);
    await markEmailVerified(h.app, zh.id);
    await h.app.database.db.updateTable('users').set({ locale: 'zh-CN' }).where('id', '=', zh.id).execute();
    const { rule } = await insertRule(h.app, h.delivery, zh, { channels: ['email'] });
    const alert = await fire(h.app, h.delivery, rule, 'alert.resolved', {
      state: 'resolved',
      resolvedAt: '2026-12-02T03:00:00.000Z',
    });
    const mail = await mailTo(zh.email);
    expect(mail.subject).toBe(`[严重] 已恢复: ${alert.title}`);
    expect(mail.text).toContain('级别: 严重');
    expect(mail.text).toContain('恢复时间: 2026-12-02 03:00:00 UTC');
    expect(mail.text).toContain('指标: lcp_ms = 3200 (> 2500)');
    expect(mail.text).toContain('在 TestWeb 中查看: http://testweb.example.test/tests/abc');
  });

  it('sends to the rule’s recipients instead of the owner', async () => {
    const { rule } = await insertRule(h.app, h.delivery, user, {
      channels: ['email'],
      emailRecipients: ['a@example.test', 'b@example.test'],
    });
    await fire(h.app, h.delivery, rule);
    await mailTo('a@example.test');
    await mailTo('b@example.test');
  });

  it('sends platform rules to ADMIN_EMAIL', async () => {
    const { rule } = await insertRule(h.app, h.delivery, admin, { channels: ['email'], platform: true });
    const alert = await fire(h.app, h.delivery, rule);
    await mailTo('ops@example.test');
    await mailTo('oncall@example.test');
    await settled(h.app, admin, alert.id, 'delivered');
    expect(mailsTo(admin.email)).toEqual([]);
  });

  it('skips an owner whose address is not verified, saying how to fix it', async () => {
    const unverified = await registerUser(h.app);
    const { rule } = await insertRule(h.app, h.delivery, unverified, { channels: ['email'] });
    const alert = await fire(h.app, h.delivery, rule);
    const d = await settled(h.app, unverified, alert.id, 'skipped');
    expect(d.lastError).toMatch(/not verified.*verify/);
    // Its recipients list does not get around it either.
    const listed = await insertRule(h.app, h.delivery, unverified, {
      channels: ['email'],
      emailRecipients: ['victim@example.test'],
    });
    const second = await fire(h.app, h.delivery, listed.rule);
    await settled(h.app, unverified, second.id, 'skipped');
    // Both were decided with nothing queued: the outbox has no message for them.
    const outbox = await h.app.inject({ url: '/api/admin/outbox?limit=100', headers: admin.auth });
    const recipients = outbox
      .json<{ items: Array<{ to: string; template: string }> }>()
      .items.filter((m) => m.template === 'alert')
      .map((m) => m.to);
    expect(recipients.length).toBeGreaterThan(0);
    expect(recipients).not.toContain(unverified.email);
    expect(recipients).not.toContain('victim@example.test');
  });
});

describe.each(TEST_DATABASES)('channels fail independently ($name)', (database) => {
  let server: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // An SMTP server that accepts connections and never says a word.
    server = createServer((s) => void sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a dead SMTP server does not delay the webhook of the same alert', async () => {
    const db = await database.create();
    const receiver = await startReceiver();
    const h = await buildDeliveryApp(
      { ...smtp((server.address() as AddressInfo).port), SMTP_TIMEOUT: '30s' },
      db.config,
    );
    try {
      await registerUser(h.app);
      const user = await registerUser(h.app);
      await markEmailVerified(h.app, user.id);
      const { rule } = await insertRule(h.app, h.delivery, user, {
        channels: ['email', 'webhook'],
        webhookUrl: receiver.url,
      });
      const t0 = Date.now();
      const alert = await fire(h.app, h.delivery, rule);
      await waitFor(() => receiver.received.length === 1, 10_000, 'the webhook');
      // The SMTP server will not answer for 30 s; the webhook did not wait for it.
      expect(Date.now() - t0).toBeLessThan(10_000);
      await settled(h.app, user, alert.id, 'delivered', 'webhook');
      // The e-mail is in the outbox, waiting for the server.
      await settled(h.app, user, alert.id, 'delivered', 'email');
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      await h.app.close();
      await receiver.close();
      await db.drop();
    }
  });
});
