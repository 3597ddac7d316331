import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { registerUser, type TestUser } from '../support/app.ts';
import {
  SETUPS,
  connectAuthed,
  startApp,
  testEvent,
  until,
  type Client,
  type Harness,
  type WireMessage,
} from './realtime-helpers.ts';

describe.each(SETUPS)('realtime channels and authorization ($name)', (setup) => {
  let h: Harness;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  const clients: Client[] = [];
  const open = async (user: TestUser) => {
    const client = await connectAuthed(h.wsUrl, user.accessToken);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    h = await startApp(setup);
    admin = await registerUser(h.app);
    alice = await registerUser(h.app);
    bob = await registerUser(h.app);
    expect(admin.role).toBe('admin');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await h.close();
  });

  it('delivers test events on test-updates only to the owner, in the SPEC message format', async () => {
    const [a, b, root] = [await open(alice), await open(bob), await open(admin)];
    for (const c of [a, b, root]) expect((await c.subscribe('test-updates')).event).toBe('subscribed');
    const test = testEvent(alice.id);
    await h.app.events.publish('TestQueued', { ...test, priority: 5 });
    await h.app.events.publish('TestStarted', { ...test, attempt: 1 });
    await h.app.events.publish('TestProgress', { ...test, progress: 40, message: 'halfway' });
    await h.app.events.publish('TestCompleted', {
      ...test,
      passed: true,
      score: 97,
      metrics: { ttfb_ms: 12 },
    });
    const done = await a.event('test.completed', 'test-updates');
    const messages = [...a.channelMessages('test-updates'), done];
    expect(messages.map((m) => m.event)).toEqual([
      'test.queued',
      'test.started',
      'test.progress',
      'test.completed',
    ]);
    const ids = messages.map((m) => Number(m.id));
    expect(ids).toEqual([ids[0], ids[0]! + 1, ids[0]! + 2, ids[0]! + 3]);
    expect(Object.keys(done).sort()).toEqual(['channel', 'data', 'event', 'id', 'timestamp']);
    expect(done).toMatchObject({
      channel: 'test-updates',
      id: expect.stringMatching(/^\d+$/),
      data: { testId: test.testId, passed: true, score: 97, metrics: { ttfb_ms: 12 } },
    });
    expect(done.data).not.toHaveProperty('userId');
    // Bob and the admin see nothing of Alice's test (the admin's test-updates is the admin's own): each gets
    // a test of their own, published after Alice's, and nothing before it.
    for (const [client, user] of [
      [b, bob],
      [root, admin],
    ] as const) {
      const own = testEvent(user.id);
      await h.app.events.publish('TestQueued', { ...own, priority: 5 });
      await client.next((m) => m.data.testId === own.testId);
      expect(
        client.log.filter((m) => m.channel === 'test-updates' && m.id !== null).map((m) => m.data.testId),
      ).toEqual([own.testId]);
    }
  });

  it('carries user-notifications only to their user', async () => {
    const [a, b] = [await open(alice), await open(bob)];
    await a.subscribe('user-notifications');
    await b.subscribe('user-notifications');
    await h.app.realtime.broker.publish(
      'user-notifications',
      'notification',
      { title: 'for alice' },
      { userId: alice.id },
    );
    // Other tests of this suite publish test outcomes, which the notifications module turns into real
    // notifications of these users: only the messages published here are compared.
    const ours = (m: WireMessage) =>
      m.event === 'notification' && (m.data.title === 'for alice' || m.data.title === 'for bob');
    expect((await a.next(ours)).data).toEqual({ title: 'for alice' });
    await h.app.realtime.broker.publish(
      'user-notifications',
      'notification',
      { title: 'for bob' },
      { userId: bob.id },
    );
    await b.next(ours);
    expect(
      b.log.filter((m) => m.channel === 'user-notifications' && m.id !== null && ours(m)).map((m) => m.data),
    ).toEqual([{ title: 'for bob' }]);
  });

  it('refuses system-alerts to a user with an error naming the channel, and serves admins', async () => {
    const [a, root] = [await open(alice), await open(admin)];
    await a.subscribe('user-notifications');
    const refused = await a.subscribe('system-alerts');
    expect(refused).toMatchObject({
      event: 'error',
      channel: 'system-alerts',
      data: { code: 'ERR_FORBIDDEN' },
    });
    expect(String(refused.data.message)).toContain('system-alerts');
    expect((await root.subscribe('system-alerts')).event).toBe('subscribed');
    await h.app.realtime.broker.publish('system-alerts', 'alert.triggered', { rule: 'cpu' });
    expect((await root.event('alert.triggered')).data).toEqual({ rule: 'cpu' });
    // A message for Alice published after the alert arrives; the alert never did.
    await h.app.realtime.broker.publish(
      'user-notifications',
      'notification',
      { after: 'alert' },
      { userId: alice.id },
    );
    await a.event('notification');
    expect(a.log.filter((m) => m.id !== null).map((m) => m.channel)).toEqual(['user-notifications']);
  });

  it("lets the owner and admins watch a stress test, refuses another user's and unknown tests alike", async () => {
    const test = testEvent(alice.id, 'stress');
    await h.app.events.publish('TestQueued', { ...test, priority: 5 });
    const channel = `stress-test-${test.testId}`;
    const [a, b, root] = [await open(alice), await open(bob), await open(admin)];
    await b.subscribe('user-notifications');
    const owner = await a.subscribe(channel);
    expect(owner.event).toBe('subscribed');
    expect(await root.subscribe(channel)).toMatchObject({ event: 'subscribed' });
    const other = await b.subscribe(channel);
    expect(other).toMatchObject({ event: 'error', channel, data: { code: 'ERR_NOT_FOUND' } });
    const unknown = await b.subscribe(`stress-test-${randomUUID()}`);
    expect(unknown.data.code).toBe(other.data.code);

    await h.app.events.publish('TestProgress', {
      ...test,
      progress: 10,
      message: 'second 1',
      metrics: { rps: 250, latency_p95_ms: 8 },
    });
    for (const c of [a, root])
      expect((await c.event('test.progress', channel)).data).toMatchObject({ metrics: { rps: 250 } });
    await h.app.realtime.broker.publish(
      'user-notifications',
      'notification',
      { after: 'progress' },
      { userId: bob.id },
    );
    await b.event('notification');
    expect(b.log.filter((m) => m.id !== null).map((m) => m.channel)).toEqual(['user-notifications']);
  });

  it('refuses an unknown channel by name', async () => {
    const a = await open(alice);
    expect(await a.subscribe('everything')).toMatchObject({
      event: 'error',
      channel: 'everything',
      data: { code: 'ERR_UNKNOWN_CHANNEL' },
    });
  });

  it('stops delivering after unsubscribe and leaves no trace of closed sockets', async () => {
    const a = await open(alice);
    await a.subscribe('user-notifications');
    await a.subscribe('test-updates');
    a.send({ action: 'unsubscribe', channel: 'user-notifications' });
    await a.event('unsubscribed', 'user-notifications');
    await h.app.realtime.broker.publish('user-notifications', 'notification', { n: 1 }, { userId: alice.id });
    // Alice's test, published after the notification, reaches her; the notification did not.
    const test = testEvent(alice.id);
    await h.app.events.publish('TestQueued', { ...test, priority: 5 });
    await a.next((m) => m.data.testId === test.testId);
    expect(a.log.filter((m) => m.id !== null).map((m) => m.channel)).toEqual(['test-updates']);
    for (const c of clients.splice(0)) {
      c.close();
      await c.closed;
    }
    await until(
      () => h.app.realtime.connections.size === 0 && h.app.realtime.channels.subscriptionCount === 0,
      3000,
      'maps to empty',
    );
    expect(h.app.realtime.channels.streamCount).toBe(0);
  });
});
