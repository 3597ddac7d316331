import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markEmailVerified, registerUser, type TestUser } from '../support/app.ts';
import { waitFor } from '../support/wait.ts';
import {
  SETUPS,
  connectAuthed,
  dropPrefix,
  uniquePrefix,
  type WireMessage,
} from '../realtime/realtime-helpers.ts';
import { REDIS_URL } from '../support/databases.ts';
import { buildDeliveryApp, fire, insertRule, settled, type DeliveryApp } from './delivery-helpers.ts';

interface Notification {
  type: string;
  title: string;
  content: string | null;
  actionUrl: string | null;
  data: Record<string, unknown> | null;
}

const inbox = async (h: DeliveryApp, user: TestUser) =>
  (await h.app.inject({ url: '/api/notifications', headers: user.auth })).json<{ items: Notification[] }>()
    .items;

const on = (channel: string, event: string) => (m: WireMessage) => m.channel === channel && m.event === event;

describe.each(SETUPS)('in-app alerts ($name)', (setup) => {
  let h: DeliveryApp;
  let db: Awaited<ReturnType<(typeof setup)['database']['create']>>;
  const prefix = uniquePrefix();
  let admin: TestUser;
  let user: TestUser;

  beforeAll(async () => {
    db = await setup.database.create();
    const redis: Record<string, string> =
      setup.redis && REDIS_URL ? { REDIS_URL, REDIS_KEY_PREFIX: prefix } : {};
    h = await buildDeliveryApp(redis, db.config);
    admin = await registerUser(h.app);
    user = await registerUser(h.app);
    await markEmailVerified(h.app, user.id);
  });
  afterAll(async () => {
    await h?.app.close();
    await db?.drop();
    await dropPrefix(prefix);
  });

  it('stores an alert_triggered notification (no second e-mail) and pushes alert.triggered live', async () => {
    const wsUrl = `${h.baseUrl.replace('http', 'ws')}/ws`;
    const client = await connectAuthed(wsUrl, user.accessToken);
    expect((await client.subscribe('user-notifications')).event).toBe('subscribed');
    const { rule } = await insertRule(h.app, h.delivery, user, { channels: ['in_app'] });

    const alert = await fire(h.app, h.delivery, rule);
    const live = await client.next(on('user-notifications', 'alert.triggered'), 10_000);
    expect(live.data).toEqual(alert);
    const badge = await client.next(on('user-notifications', 'notification.unread-count'), 10_000);
    expect(badge.data).toEqual({ count: 1 });
    const [n] = await inbox(h, user);
    expect(n).toMatchObject({
      type: 'alert_triggered',
      title: `Alert: ${alert.title}`,
      actionUrl: '/tests/abc',
    });
    expect(n!.content).toContain('Critical · lcp_ms = 3200 (> 2500)');
    expect(n!.data).toMatchObject({ alertId: alert.id, ruleId: rule.id, event: 'alert.triggered' });
    await settled(h.app, user, alert.id, 'delivered');
    // alert_triggered e-mails are on by default, but the in-app channel sends none: e-mail is its own channel.
    const outbox = await h.app.inject({ url: '/api/admin/outbox?limit=100', headers: admin.auth });
    const mails = outbox.json<{ items: Array<{ userId: string | null; template: string }> }>().items;
    expect(mails.filter((m) => m.userId === user.id && m.template === 'notification')).toEqual([]);

    const resolved = await fire(h.app, h.delivery, rule, 'alert.resolved', {
      id: alert.id,
      state: 'resolved',
      resolvedAt: new Date().toISOString(),
    });
    expect((await client.next(on('user-notifications', 'alert.resolved'), 10_000)).data).toEqual(resolved);
    await waitFor(
      async () => (await inbox(h, user))[0]?.title === `Resolved: ${alert.title}`,
      10_000,
      'resolved',
    );
    client.close();
  });

  it('sends platform alerts to admins on system-alerts, and user alerts to nobody else', async () => {
    const wsUrl = `${h.baseUrl.replace('http', 'ws')}/ws`;
    const adminClient = await connectAuthed(wsUrl, admin.accessToken);
    await adminClient.subscribe('system-alerts');
    await adminClient.subscribe('user-notifications');
    const userClient = await connectAuthed(wsUrl, user.accessToken);
    await userClient.subscribe('user-notifications');

    const mine = await insertRule(h.app, h.delivery, user, { channels: ['in_app'] });
    const own = await fire(h.app, h.delivery, mine.rule);
    await userClient.next(on('user-notifications', 'alert.triggered'), 10_000);
    const platform = await insertRule(h.app, h.delivery, admin, { channels: ['in_app'], platform: true });
    const alert = await fire(h.app, h.delivery, platform.rule, 'alert.triggered', { scope: 'platform' });
    expect((await adminClient.next(on('system-alerts', 'alert.triggered'), 10_000)).data).toEqual(alert);
    expect((await adminClient.next(on('user-notifications', 'alert.triggered'), 10_000)).data).toEqual(alert);
    // Neither reached the other's stream: the admin saw only the platform alert, the user only theirs.
    await settled(h.app, admin, alert.id, 'delivered');
    const seen = (c: typeof adminClient) =>
      c.log.filter((m) => m.event === 'alert.triggered').map((m) => (m.data as { id: string }).id);
    expect(seen(adminClient)).not.toContain(own.id);
    expect(seen(userClient)).toEqual([own.id]);
    adminClient.close();
    userClient.close();
  });

  it('respects in-app preferences: skipped with the reason, the live message still sent', async () => {
    const quiet = await registerUser(h.app);
    const put = await h.app.inject({
      method: 'PUT',
      url: '/api/notifications/preferences',
      headers: quiet.auth,
      payload: { categories: { alert_triggered: { in_app: false } } },
    });
    expect(put.statusCode).toBe(200);
    const wsUrl = `${h.baseUrl.replace('http', 'ws')}/ws`;
    const client = await connectAuthed(wsUrl, quiet.accessToken);
    await client.subscribe('user-notifications');
    const { rule } = await insertRule(h.app, h.delivery, quiet, { channels: ['in_app'] });
    const alert = await fire(h.app, h.delivery, rule);
    const d = await settled(h.app, quiet, alert.id, 'skipped');
    expect(d.lastError).toContain('preferences');
    await client.next(on('user-notifications', 'alert.triggered'), 10_000);
    expect(await inbox(h, quiet)).toEqual([]);
    client.close();
  });
});
