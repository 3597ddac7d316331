import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { REDIS_URL } from '../support/databases.ts';
import {
  SETUPS,
  connectAuthed,
  dropPrefix,
  startApp,
  uniquePrefix,
  type Harness,
  type WireMessage,
} from '../realtime/realtime-helpers.ts';
import { completedEvent, inbox, waitFor, type Notification } from './notifications-helpers.ts';

const CHANNEL = 'user-notifications';
const isNotification = (m: WireMessage) => m.channel === CHANNEL && m.event === 'notification';
const countIs = (count: number) => (m: WireMessage) =>
  m.channel === CHANNEL && m.event === 'notification.unread-count' && m.data.count === count;

describe.each(SETUPS)('live notifications ($name)', (setup) => {
  let h: Harness;
  let user: TestUser;

  beforeAll(async () => {
    h = await startApp(setup);
    await registerUser(h.app);
    user = await registerUser(h.app);
  });
  afterAll(async () => h?.close());

  it('pushes each new notification and every unread-count change on the owner’s user-notifications', async () => {
    const client = await connectAuthed(h.wsUrl, user.accessToken);
    expect((await client.subscribe(CHANNEL)).event).toBe('subscribed');
    const other = await registerUser(h.app);
    const watcher = await connectAuthed(h.wsUrl, other.accessToken);
    await watcher.subscribe(CHANNEL);

    const event = completedEvent(user.id);
    await h.app.events.publish('TestCompleted', event);
    const pushed = await client.next(isNotification);
    await client.next(countIs(1));
    const [listed] = (await inbox(h.app, user).list()).items;
    // The pushed notification is the one the API lists.
    expect(pushed.data).toEqual(listed);
    expect((pushed.data as unknown as Notification).data).toMatchObject({ testId: event.testId });

    await h.app.events.publish('TestCompleted', completedEvent(user.id));
    await client.next(countIs(2));
    const second = (await inbox(h.app, user).list()).items[0]!;
    expect((await inbox(h.app, user).call('PUT', `/api/notifications/${second.id}/read`)).statusCode).toBe(
      200,
    );
    await client.next(countIs(1));
    expect((await inbox(h.app, user).call('DELETE', `/api/notifications/${listed!.id}`)).statusCode).toBe(
      204,
    );
    await client.next(countIs(0));
    await h.app.events.publish('TestCompleted', completedEvent(user.id));
    await client.next(countIs(1));
    expect((await inbox(h.app, user).call('PUT', '/api/notifications/read-all')).json()).toEqual({
      updated: 1,
    });
    await client.next(countIs(0));

    // Positions increase one by one on the user's stream; nothing reached another user.
    const ids = client.log.filter((m) => m.channel === CHANNEL && m.id !== null).map((m) => Number(m.id));
    expect(ids).toEqual(ids.map((_, k) => ids[0]! + k));
    expect(watcher.log.filter((m) => m.channel === CHANNEL && m.id !== null)).toEqual([]);
    client.close();
    watcher.close();
  });

  it('lets a reconnecting client resume the notifications it missed', async () => {
    const first = await connectAuthed(h.wsUrl, user.accessToken);
    const ack = await first.subscribe(CHANNEL);
    first.socket.terminate();
    const before = await inbox(h.app, user).count();
    await h.app.events.publish('TestCompleted', completedEvent(user.id));
    await waitFor(async () => (await inbox(h.app, user).count()) === before + 1, 10_000, 'the notification');
    const [stored] = (await inbox(h.app, user).list()).items;
    const again = await connectAuthed(h.wsUrl, user.accessToken);
    again.send({ action: 'resume', channel: CHANNEL, lastId: ack.data.lastId });
    await again.event('resumed');
    const replayed = again.log.filter((m) => m.channel === CHANNEL && m.id !== null);
    expect(replayed.map((m) => [m.event, m.data])).toEqual([
      ['notification', stored],
      ['notification.unread-count', { count: before + 1 }],
    ]);
    again.close();
  });
});

const services = SETUPS.find((s) => s.redis);

// Two API processes: two app instances sharing one Redis (and PostgreSQL when configured).
describe.runIf(Boolean(REDIS_URL && services))('live notifications across processes', () => {
  const setup = services!;
  const prefix = uniquePrefix();
  let database: Awaited<ReturnType<typeof setup.database.create>>;
  let one: Harness;
  let two: Harness;
  let user: TestUser;

  beforeAll(async () => {
    database = await setup.database.create();
    one = await startApp(setup, {}, { prefix, database });
    two = await startApp(setup, {}, { prefix, database });
    await registerUser(one.app);
    user = await registerUser(one.app);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await database?.drop();
    await dropPrefix(prefix);
  });

  it('a notification created on one process reaches the owner connected to the other, once', async () => {
    const onTwo = await connectAuthed(two.wsUrl, user.accessToken);
    await onTwo.subscribe(CHANNEL);
    const resetsAt = new Date(Date.UTC(2031, 0, 2)).toISOString();
    await one.app.events.publish('QuotaWarning', { userId: user.id, used: 8, quota: 10, resetsAt });
    const pushed = await onTwo.next(isNotification);
    expect(pushed.data).toMatchObject({ type: 'quota_warning', title: 'Daily test quota: 8 of 10 used' });
    await onTwo.next(countIs(1));
    // Handled by the process that published it only: one row, one push.
    expect((await inbox(two.app, user).list()).items).toHaveLength(1);
    // A change made through the other process's API reaches this one too.
    const onOne = await connectAuthed(one.wsUrl, user.accessToken);
    await onOne.subscribe(CHANNEL);
    await inbox(two.app, user).call('PUT', '/api/notifications/read-all');
    await Promise.all([onOne.next(countIs(0)), onTwo.next(countIs(0))]);
    expect(onTwo.log.filter(isNotification)).toHaveLength(1);
    onOne.close();
    onTwo.close();
  });
});
