import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { POSTGRES_URL, TEST_DATABASES } from '../support/databases.ts';
import { waitFor } from '../support/wait.ts';
import {
  alertPayload,
  buildDeliveryApp,
  deliveries,
  fire,
  insertRule,
  settled,
  startReceiver,
  type DeliveryApp,
  type Receiver,
} from './delivery-helpers.ts';

describe.each(TEST_DATABASES)('alert dispatcher ($name)', (database) => {
  let h: DeliveryApp;
  let db: Awaited<ReturnType<typeof database.create>>;
  let receiver: Receiver;
  let user: TestUser;

  beforeAll(async () => {
    db = await database.create();
    h = await buildDeliveryApp({}, db.config);
    receiver = await startReceiver();
    await registerUser(h.app);
    user = await registerUser(h.app);
  });
  afterAll(async () => {
    await h?.app.close();
    await receiver?.close();
    await db?.drop();
  });

  it('takes over a delivery whose sender died mid-attempt (lease expired): logged as interrupted, then sent', async () => {
    const { rule } = await insertRule(h.app, h.delivery, user, { webhookUrl: receiver.url });
    const alert = alertPayload(rule);
    const past = new Date(Date.now() - 60_000);
    const row = await h.app.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('alert_history')
        .values({
          id: alert.id,
          rule_id: rule.id,
          user_id: user.id,
          title: alert.title,
          severity: alert.severity,
          metric_data: JSON.stringify(alert.metric),
          series_key: alert.seriesKey,
        })
        .execute();
      // As a process that claimed the row and was killed leaves it.
      return trx
        .insertInto('alert_deliveries')
        .values({
          alert_id: alert.id,
          rule_id: rule.id,
          user_id: user.id,
          channel: 'webhook',
          event: 'alert.triggered',
          webhook_id: rule.webhook_id,
          payload: JSON.stringify(alert),
          status: 'sending',
          attempts: 1,
          worker_id: 'crashed-process',
          lease_until: past,
          next_attempt_at: past,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    });
    const before = receiver.received.length;
    const d = await settled(h.app, user, alert.id, 'delivered');
    expect(d.attempts.map((a) => [a.attempt, a.ok])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(d.attempts[0]!.error).toMatch(/interrupted/);
    expect(receiver.received.length).toBe(before + 1);
    expect(receiver.received[before]!.headers['webhook-id']).toBe(row.id);
  });

  it('leaves a row whose lease still runs to its sender', async () => {
    const { rule } = await insertRule(h.app, h.delivery, user, { webhookUrl: receiver.url });
    const alert = alertPayload(rule);
    const future = new Date(Date.now() + 3_600_000);
    await h.app.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('alert_history')
        .values({
          id: alert.id,
          rule_id: rule.id,
          user_id: user.id,
          title: alert.title,
          severity: alert.severity,
          metric_data: JSON.stringify(alert.metric),
          series_key: alert.seriesKey,
        })
        .execute();
      await trx
        .insertInto('alert_deliveries')
        .values({
          alert_id: alert.id,
          rule_id: rule.id,
          user_id: user.id,
          channel: 'webhook',
          event: 'alert.triggered',
          webhook_id: rule.webhook_id,
          payload: JSON.stringify(alert),
          status: 'sending',
          attempts: 1,
          worker_id: 'busy-process',
          lease_until: future,
          next_attempt_at: new Date(Date.now() - 1000),
        })
        .execute();
    });
    // A later alert is delivered: the dispatcher has polled past the leased row since.
    const later = await fire(h.app, h.delivery, rule);
    await settled(h.app, user, later.id, 'delivered');
    const leased = await h.app.database.db
      .selectFrom('alert_deliveries')
      .select(['status', 'worker_id', 'attempts'])
      .where('alert_id', '=', alert.id)
      .executeTakeFirstOrThrow();
    expect(leased).toEqual({ status: 'sending', worker_id: 'busy-process', attempts: 1 });
  });
});

describe.skipIf(!POSTGRES_URL)('two dispatchers on one PostgreSQL', () => {
  const postgres = TEST_DATABASES.find((d) => d.name === 'postgres')!;
  let a: DeliveryApp;
  let b: DeliveryApp;
  let db: Awaited<ReturnType<typeof postgres.create>>;
  let receiver: Receiver;

  beforeAll(async () => {
    db = await postgres.create();
    a = await buildDeliveryApp({}, db.config);
    b = await buildDeliveryApp({}, db.config);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await a?.app.close();
    await b?.app.close();
    await receiver?.close();
    await db?.drop();
  });

  it('deliver each alert once between them (SKIP LOCKED)', async () => {
    await registerUser(a.app);
    const user = await registerUser(a.app);
    const { rule } = await insertRule(a.app, a.delivery, user, { webhookUrl: receiver.url });
    const n = 60;
    // Written through both processes, so both are nudged and race for the rows.
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        i % 2 ? fire(a.app, a.delivery, rule) : fire(b.app, b.delivery, rule),
      ),
    );
    await waitFor(() => receiver.received.length >= n, 20_000, `${n} webhooks`);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(n);
    await waitFor(async () => {
      const all = await a.app.database.db
        .selectFrom('alert_deliveries')
        .select('status')
        .where('rule_id', '=', rule.id)
        .execute();
      return all.every((r) => r.status === 'delivered');
    });
    const rows = await a.app.database.db
      .selectFrom('alert_deliveries')
      .select(['attempts', 'worker_id'])
      .where('rule_id', '=', rule.id)
      .execute();
    expect(rows).toHaveLength(n);
    // Nothing was sent twice: every delivery took one attempt, and the receiver saw n requests.
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    expect(receiver.received).toHaveLength(n);
  });
});

describe.each(TEST_DATABASES)('alert retry schedule on the module clock ($name)', (database) => {
  let h: DeliveryApp;
  let db: Awaited<ReturnType<typeof database.create>>;
  let receiver: Receiver;
  let other: Receiver;
  let user: TestUser;
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const HOUR = 3_600_000;

  beforeAll(async () => {
    db = await database.create();
    h = await buildDeliveryApp(
      { ALERT_WEBHOOK_RETRY_SCHEDULE: '1h,2h', ALERT_HISTORY_RETENTION: '6h' },
      db.config,
      clock.now,
    );
    receiver = await startReceiver();
    other = await startReceiver();
    await registerUser(h.app);
    user = await registerUser(h.app);
  });
  afterAll(async () => {
    await h?.app.close();
    await receiver?.close();
    await other?.close();
    await db?.drop();
  });

  /** Another alert delivered: the dispatcher has claimed everything due meanwhile. */
  async function dispatcherPassed(): Promise<void> {
    const { rule } = await insertRule(h.app, h.delivery, user, { webhookUrl: other.url });
    await settled(h.app, user, (await fire(h.app, h.delivery, rule)).id, 'delivered');
  }

  it('waits each step of ALERT_WEBHOOK_RETRY_SCHEDULE before the next attempt', async () => {
    const { rule } = await insertRule(h.app, h.delivery, user, { webhookUrl: receiver.url });
    receiver.replies.push(500, 500);
    const alert = await fire(h.app, h.delivery, rule);
    const first = await waitFor(async () => {
      const [d] = await deliveries(h.app, user, `alertId=${alert.id}`);
      return d?.status === 'pending' && d.attemptCount === 1 ? d : null;
    });
    const due = Date.parse(first.nextAttemptAt!) - Date.parse(first.attempts[0]!.startedAt);
    expect(due).toBeGreaterThanOrEqual(HOUR);
    expect(due).toBeLessThan(HOUR + 30_000);
    await dispatcherPassed();
    expect(receiver.received).toHaveLength(1);

    clock.offsetMs += HOUR;
    await waitFor(() => receiver.received.length === 2, 10_000, 'the second attempt');
    const second = await waitFor(async () => {
      const [d] = await deliveries(h.app, user, `alertId=${alert.id}`);
      return d?.status === 'pending' && d.attemptCount === 2 ? d : null;
    });
    expect(
      Date.parse(second.nextAttemptAt!) - Date.parse(second.attempts[1]!.startedAt),
    ).toBeGreaterThanOrEqual(2 * HOUR);
    clock.offsetMs += HOUR;
    await dispatcherPassed();
    expect(receiver.received).toHaveLength(2);

    clock.offsetMs += HOUR;
    const done = await settled(h.app, user, alert.id, 'delivered');
    expect(done.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(receiver.received).toHaveLength(3);
  });

  it('deletes finished test-send deliveries after ALERT_HISTORY_RETENTION', async () => {
    const { rule } = await insertRule(h.app, h.delivery, user, { webhookUrl: other.url });
    await fire(h.app, h.delivery, rule, 'alert.test');
    await waitFor(async () => {
      const list = await deliveries(h.app, user, `ruleId=${rule.id}`);
      return list.length === 1 && list[0]!.status === 'delivered';
    });
    clock.offsetMs += 5 * HOUR;
    await dispatcherPassed();
    expect(await deliveries(h.app, user, `ruleId=${rule.id}`)).toHaveLength(1);
    clock.offsetMs += 2 * HOUR;
    await dispatcherPassed();
    await waitFor(
      async () => (await deliveries(h.app, user, `ruleId=${rule.id}`)).length === 0,
      10_000,
      'retention',
    );
  });
});
