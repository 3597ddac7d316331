import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { REDIS_URL } from '../support/databases.ts';
import {
  SETUPS,
  connectAuthed,
  dropPrefix,
  seen,
  startApp,
  testEvent,
  uniquePrefix,
  type Harness,
} from './realtime-helpers.ts';

const services = SETUPS.find((s) => s.redis);
if (!services)
  console.error('[test] TESTWEB_TEST_REDIS_URL is not set: the cross-process realtime suite is skipped');

// Two API processes are two app instances sharing one Redis (and one database when PostgreSQL is configured).
describe.runIf(Boolean(REDIS_URL && services))('realtime across processes (Redis)', () => {
  const setup = services!;
  const prefix = uniquePrefix();
  let database: Awaited<ReturnType<typeof setup.database.create>>;
  let one: Harness;
  let two: Harness;
  let admin: TestUser;
  let user: TestUser;

  beforeAll(async () => {
    database = await setup.database.create();
    one = await startApp(setup, {}, { prefix, database });
    two = await startApp(setup, {}, { prefix, database });
    admin = await registerUser(one.app);
    user = await registerUser(one.app);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await database?.drop();
    await dropPrefix(prefix);
  });

  it('delivers an event published on one process to subscribers on both, once, with the same ids', async () => {
    const onOne = await connectAuthed(one.wsUrl, user.accessToken);
    const onTwo = await connectAuthed(two.wsUrl, user.accessToken);
    await onOne.subscribe('test-updates');
    await onTwo.subscribe('test-updates');
    const test = testEvent(user.id);
    await one.app.events.publish('TestStarted', { ...test, attempt: 1 });
    await one.app.events.publish('TestProgress', { ...test, progress: 50, message: 'half' });
    await one.app.events.publish('TestCompleted', { ...test, passed: true, score: 90, metrics: {} });
    await Promise.all([onOne.event('test.completed'), onTwo.event('test.completed')]);
    const messages = (c: typeof onOne) => c.log.filter((m) => m.channel === 'test-updates' && m.id !== null);
    // Each process delivered each message once, in order, with one id sequence: the same objects on both.
    const got = messages(onOne);
    expect(got.map((m) => m.event)).toEqual(['test.started', 'test.progress', 'test.completed']);
    expect(got.map((m) => Number(m.id))).toEqual([0, 1, 2].map((k) => Number(got[0]!.id) + k));
    expect(messages(onTwo)).toEqual(got);
    onOne.close();
    onTwo.close();
  });

  it('keeps one id sequence per channel when both processes publish', async () => {
    const root = await connectAuthed(two.wsUrl, admin.accessToken);
    await root.subscribe('system-alerts');
    const published = [];
    for (let i = 0; i < 6; i++)
      published.push(
        await (i % 2 ? one : two).app.realtime.broker.publish('system-alerts', 'alert.triggered', { i }),
      );
    const lastOne = await root.next((m) => m.data.i === 5);
    const got = [...root.channelMessages('system-alerts'), lastOne];
    expect(got.map((m) => m.id)).toEqual(published.map((p) => p.id));
    expect(got.map((m) => Number(m.id))).toEqual(got.map((_, k) => Number(got[0]!.id) + k));
    root.close();
  });

  it('resumes on another process from the shared buffer', async () => {
    const first = await connectAuthed(one.wsUrl, user.accessToken);
    const ack = await first.subscribe('user-notifications');
    first.socket.terminate();
    for (let n = 0; n < 4; n++)
      await one.app.realtime.broker.publish('user-notifications', 'notification', { n }, { userId: user.id });
    const second = await connectAuthed(two.wsUrl, user.accessToken);
    second.send({ action: 'resume', channel: 'user-notifications', lastId: ack.data.lastId });
    await second.event('resumed');
    const at = (k: number) => String(Number(ack.data.lastId) + k);
    expect(second.log.slice(1).map(seen)).toEqual([
      ...[0, 1, 2, 3].map((n) => ({
        event: 'notification',
        id: at(n + 1),
        channel: 'user-notifications',
        data: { n },
      })),
      { event: 'resumed', id: null, channel: 'user-notifications', data: { replayed: 4, lastId: at(4) } },
    ]);
    second.close();
  });

  it("authorizes a stress test channel on a process that never saw the test's events", async () => {
    const watcher = await connectAuthed(two.wsUrl, user.accessToken);
    await watcher.subscribe('test-updates');
    const test = testEvent(user.id, 'stress');
    await one.app.events.publish('TestQueued', { ...test, priority: 1 });
    // The user sees the test queued (through process two), then opens its channel there.
    await watcher.next((m) => m.event === 'test.queued' && m.data.testId === test.testId);
    expect((await watcher.subscribe(`stress-test-${test.testId}`)).event).toBe('subscribed');
    await one.app.events.publish('TestProgress', {
      ...test,
      progress: 5,
      message: 's1',
      metrics: { rps: 10 },
    });
    expect((await watcher.event('test.progress', `stress-test-${test.testId}`)).data.metrics).toEqual({
      rps: 10,
    });
    watcher.close();
  });
});
