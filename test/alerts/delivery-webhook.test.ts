import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { waitFor } from '../support/wait.ts';
import {
  buildDeliveryApp,
  deliveries,
  fire,
  insertRule,
  settled,
  startReceiver,
  type DeliveryApp,
  type Received,
  type Receiver,
} from './delivery-helpers.ts';

/** Verifies a request as a receiver would, with the spec's reference library (never the product's code). */
function verify(secret: string, r: Received): unknown {
  return new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
}

describe.each(TEST_DATABASES)('alert webhooks ($name)', (database) => {
  let h: DeliveryApp;
  let db: Awaited<ReturnType<typeof database.create>>;
  let receiver: Receiver;
  let user: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    db = await database.create();
    h = await buildDeliveryApp({}, db.config);
    receiver = await startReceiver();
    await registerUser(h.app); // the first account is admin
    user = await registerUser(h.app);
    other = await registerUser(h.app);
  });
  afterAll(async () => {
    await h?.app.close();
    await receiver?.close();
    await db?.drop();
  });

  it('POSTs the alert signed per Standard Webhooks, and logs the attempt', async () => {
    const { rule, secret } = await insertRule(h.app, h.delivery, user, { webhookUrl: receiver.url });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const before = receiver.received.length;
    const alert = await fire(h.app, h.delivery, rule);
    const req = await waitFor(() => receiver.received[before], 10_000, 'the webhook');

    expect(verify(secret!, req)).toEqual({ event: 'alert.triggered', alert });
    expect(req.headers['user-agent']).toBe('TestWeb-Alert-System');
    expect(req.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(req.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const body = JSON.parse(req.body) as { alert: Record<string, unknown> };
    for (const field of ['id', 'title', 'severity', 'description', 'metric', 'timestamp'])
      expect(body.alert).toHaveProperty(field);
    // A forged or altered body does not verify.
    expect(() => verify(secret!, { ...req, body: req.body.replace('3200', '3201') })).toThrow();

    const d = await settled(h.app, user, alert.id, 'delivered');
    expect(d).toMatchObject({
      channel: 'webhook',
      event: 'alert.triggered',
      attemptCount: 1,
      lastStatusCode: 200,
    });
    expect(req.headers['webhook-id']).toBe(d.id);
    expect(d.attempts).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 200, ok: true, error: null }),
    ]);
    expect(d.attempts[0]!.durationMs).toBeGreaterThanOrEqual(0);
    // The secret is never shown again, nor logged.
    expect(JSON.stringify(await deliveries(h.app, user, ''))).not.toContain(secret!.slice(6));
    expect(h.lines.join('\n')).not.toContain(secret!.slice(6));
  });

  it('retries 5xx answers on the schedule with the same webhook-id, each attempt logged', async () => {
    const { rule, secret } = await insertRule(h.app, h.delivery, user, { webhookUrl: receiver.url });
    const before = receiver.received.length;
    receiver.replies.push(500, 503);
    const alert = await fire(h.app, h.delivery, rule);
    await waitFor(() => receiver.received.length >= before + 3, 10_000, 'three attempts');
    const reqs = receiver.received.slice(before);
    expect(new Set(reqs.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const r of reqs) expect(verify(secret!, r)).toMatchObject({ alert: { id: alert.id } });
    // The schedule (100 ms, 200 ms) separates them.
    expect(reqs[1]!.at - reqs[0]!.at).toBeGreaterThanOrEqual(90);
    expect(reqs[2]!.at - reqs[1]!.at).toBeGreaterThanOrEqual(190);

    const d = await settled(h.app, user, alert.id, 'delivered');
    expect(d.attempts.map((a) => [a.attempt, a.statusCode, a.ok])).toEqual([
      [1, 500, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    expect(d.attempts[0]!.error).toContain('500');
  });

  it('fails after the last retry', async () => {
    const { rule } = await insertRule(h.app, h.delivery, user, { webhookUrl: receiver.url });
    receiver.replies.push(502, 502, 502);
    const alert = await fire(h.app, h.delivery, rule);
    const d = await settled(h.app, user, alert.id, 'failed');
    expect(d.attemptCount).toBe(3);
    expect(d.lastStatusCode).toBe(502);
    expect(d.lastError).toContain('gave up after 3 attempts');
  });

  it('disables the endpoint on 410 Gone: later deliveries are skipped, nothing is sent', async () => {
    const { rule } = await insertRule(h.app, h.delivery, user, { webhookUrl: receiver.url });
    receiver.replies.push(410);
    const first = await fire(h.app, h.delivery, rule);
    const gone = await settled(h.app, user, first.id, 'failed');
    expect(gone).toMatchObject({ attemptCount: 1, lastStatusCode: 410 });
    const endpoint = await h.app.database.db
      .selectFrom('alert_webhooks')
      .selectAll()
      .where('id', '=', rule.webhook_id!)
      .executeTakeFirstOrThrow();
    expect(endpoint.disabled_at).not.toBeNull();
    expect(endpoint.disabled_reason).toContain('410');
    const described = await h.delivery.webhooks.describe(h.app.database.db, user.id, [rule.webhook_id!]);
    expect(described.get(rule.webhook_id!)?.disabledReason).toContain('410');

    const count = receiver.received.length;
    const second = await fire(h.app, h.delivery, rule);
    const skipped = await settled(h.app, user, second.id, 'skipped');
    expect(skipped.lastError).toContain('disabled');
    expect(receiver.received.length).toBe(count);

    // A new URL re-enables it.
    await h.app.database.db
      .transaction()
      .execute((trx) => h.delivery.webhooks.changeUrl(trx, user.id, rule.webhook_id!, receiver.url));
    await fire(h.app, h.delivery, rule);
    await waitFor(() => receiver.received.length === count + 1, 10_000, 'the re-enabled endpoint');
  });

  it('a hanging receiver times out and is retried, without delaying another endpoint', async () => {
    const slow = await startReceiver();
    const fast = await startReceiver();
    try {
      slow.replies.push('hang');
      const a = await insertRule(h.app, h.delivery, user, { webhookUrl: slow.url });
      const b = await insertRule(h.app, h.delivery, user, { webhookUrl: fast.url });
      const stuck = await fire(h.app, h.delivery, a.rule);
      await waitFor(() => slow.received.length === 1, 10_000, 'the hanging request');
      const t0 = Date.now();
      await fire(h.app, h.delivery, b.rule);
      await waitFor(() => fast.received.length === 1, 10_000, 'the other endpoint');
      // Well inside the 1 s webhook timeout the first request is still hanging on.
      expect(Date.now() - t0).toBeLessThan(900);
      expect(slow.received.length).toBe(1);

      const d = await settled(h.app, user, stuck.id, 'delivered');
      expect(d.attempts[0]).toMatchObject({ attempt: 1, ok: false, statusCode: null });
      expect(d.attempts[0]!.error).toMatch(/timeout/);
      expect(d.attempts[1]).toMatchObject({ attempt: 2, ok: true, statusCode: 200 });
    } finally {
      await slow.close();
      await fast.close();
    }
  });

  it('rotates the secret: answered once, and both secrets sign during the grace period', async () => {
    const { rule, secret } = await insertRule(h.app, h.delivery, user, { webhookUrl: receiver.url });
    const url = `/api/alerts/webhooks/${rule.webhook_id}/rotate-secret`;
    expect((await h.app.inject({ method: 'POST', url, headers: other.auth })).statusCode).toBe(404);
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/alerts/webhooks/nope/rotate-secret',
      headers: user.auth,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body).toContain('/params/id');

    const res = await h.app.inject({ method: 'POST', url, headers: user.auth });
    expect(res.statusCode).toBe(200);
    const rotated = res.json<{ id: string; webhookSecret: string; previousSecretExpiresAt: string }>();
    expect(rotated.webhookSecret).toMatch(/^whsec_/);
    expect(rotated.webhookSecret).not.toBe(secret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);

    const before = receiver.received.length;
    await fire(h.app, h.delivery, rule);
    const req = await waitFor(() => receiver.received[before], 10_000, 'the webhook');
    expect(String(req.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(rotated.webhookSecret, req)).toMatchObject({ event: 'alert.triggered' });
    expect(verify(secret!, req)).toMatchObject({ event: 'alert.triggered' });
  });

  it('shows deliveries only to their owner (and admins); another user’s alert is a 404', async () => {
    const { rule } = await insertRule(h.app, h.delivery, user, { webhookUrl: receiver.url });
    const alert = await fire(h.app, h.delivery, rule);
    await waitFor(async () => (await deliveries(h.app, user, `alertId=${alert.id}`)).length === 1);
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/alerts/deliveries?alertId=${alert.id}`,
      headers: other.auth,
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(await deliveries(h.app, other, '')).toEqual([]);
    const bad = await h.app.inject({
      method: 'GET',
      url: '/api/alerts/deliveries?alertId=x',
      headers: user.auth,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('alertId');
  });
});
