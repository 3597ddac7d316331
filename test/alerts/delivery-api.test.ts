import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { markEmailVerified, registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { waitFor } from '../support/wait.ts';
import {
  buildDeliveryApp,
  deliveries,
  startReceiver,
  type DeliveryApp,
  type Receiver,
} from './delivery-helpers.ts';

const rule = (webhookUrl: string) => ({
  name: 'Slow TTFB',
  metricName: 'ttfb_ms',
  condition: 'gt',
  threshold: 500,
  severity: 'high',
  scope: { kind: 'tests', testType: 'performance' },
  channels: ['webhook', 'in_app', 'email'],
  webhookUrl,
});

/** Through the rules API: a rule's test send goes out on every channel it has. */
describe.each(TEST_DATABASES)('alert delivery through the rules API ($name)', (database) => {
  let h: DeliveryApp;
  let db: Awaited<ReturnType<typeof database.create>>;
  let receiver: Receiver;
  let sink: SmtpSink;
  let user: TestUser;

  beforeAll(async () => {
    db = await database.create();
    receiver = await startReceiver();
    sink = await startSmtpSink();
    h = await buildDeliveryApp(
      { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, EMAIL_POLL_INTERVAL: '50ms' },
      db.config,
    );
    await registerUser(h.app);
    user = await registerUser(h.app);
    await markEmailVerified(h.app, user.id);
  });
  afterAll(async () => {
    await h?.app.close();
    await receiver?.close();
    await sink?.close();
    await db?.drop();
  });

  it('POST /api/alerts/rules/:id/test sends alert.test by webhook (signed), e-mail and inbox', async () => {
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/alerts/rules',
      headers: user.auth,
      payload: rule(receiver.url),
    });
    expect(created.statusCode).toBe(201);
    const body = created.json<{ id: string; webhookSecret: string; webhook: { id: string } }>();
    expect(body.webhookSecret).toMatch(/^whsec_/);
    // Shown once: reading the rule again does not show it.
    const read = await h.app.inject({ url: `/api/alerts/rules/${body.id}`, headers: user.auth });
    expect(read.json()).not.toHaveProperty('webhookSecret');
    expect(read.body).not.toContain(body.webhookSecret.slice(6));

    const before = receiver.received.length;
    const sent = await h.app.inject({
      method: 'POST',
      url: `/api/alerts/rules/${body.id}/test`,
      headers: user.auth,
    });
    expect(sent.statusCode).toBe(202);
    const req = await waitFor(() => receiver.received[before], 10_000, 'the test webhook');
    const message = new Webhook(body.webhookSecret).verify(
      req.body,
      req.headers as Record<string, string>,
    ) as {
      event: string;
      alert: { ruleId: string; title: string };
    };
    expect(message.event).toBe('alert.test');
    expect(message.alert.ruleId).toBe(body.id);

    const mail = await waitFor(
      () =>
        sink.messages.find((m) => m.envelope.to.includes(user.email) && /Test alert/.test(m.subject ?? '')),
      10_000,
      'the test e-mail',
    );
    expect(mail.text).toContain('This is a test send of the rule');
    const list = await waitFor(async () => {
      const items = await deliveries(h.app, user, `ruleId=${body.id}`);
      return items.length === 3 && items.every((d) => d.status === 'delivered') ? items : null;
    });
    expect(list.map((d) => d.channel).sort()).toEqual(['email', 'in_app', 'webhook']);
    expect(list.every((d) => d.event === 'alert.test' && d.alertId === null)).toBe(true);
    expect(list.find((d) => d.channel === 'webhook')!.id).toBe(req.headers['webhook-id']);
    const inbox = await h.app.inject({ url: '/api/notifications', headers: user.auth });
    expect(inbox.json<{ items: Array<{ title: string }> }>().items[0]!.title).toMatch(/^Test alert: /);

    // Rotating the rule's endpoint secret: the next test send verifies with the new secret.
    const rotated = await h.app.inject({
      method: 'POST',
      url: `/api/alerts/webhooks/${body.webhook.id}/rotate-secret`,
      headers: user.auth,
    });
    const { webhookSecret } = rotated.json<{ webhookSecret: string }>();
    await h.app.inject({ method: 'POST', url: `/api/alerts/rules/${body.id}/test`, headers: user.auth });
    const next = await waitFor(() => receiver.received[before + 1], 10_000, 'the second test webhook');
    expect(
      new Webhook(webhookSecret).verify(next.body, next.headers as Record<string, string>),
    ).toMatchObject({
      event: 'alert.test',
    });
  });
});

describe.each(TEST_DATABASES)('webhook URLs and the SSRF guard through the rules API ($name)', (database) => {
  let h: DeliveryApp;
  let db: Awaited<ReturnType<typeof database.create>>;
  let user: TestUser;

  beforeAll(async () => {
    db = await database.create();
    h = await buildDeliveryApp({ ALLOW_PRIVATE_TARGETS: 'false' }, db.config);
    await registerUser(h.app);
    user = await registerUser(h.app);
  });
  afterAll(async () => {
    await h?.app.close();
    await db?.drop();
  });

  it.each(['http://127.0.0.1:9/hook', 'http://169.254.169.254/latest/meta-data/', 'http://localhost:9/'])(
    'refuses %s with a 400 problem naming webhookUrl',
    async (url) => {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/alerts/rules',
        headers: user.auth,
        payload: rule(url),
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const problem = res.json<{ code: string; errors: Array<{ field: string }> }>();
      expect(problem.code).toBe('ERR_VALIDATION');
      expect(problem.errors.map((e) => e.field)).toContain('/body/webhookUrl');
      const list = await h.app.inject({ url: '/api/alerts/rules', headers: user.auth });
      expect(list.json<{ items: unknown[] }>().items).toEqual([]);
    },
  );
});
