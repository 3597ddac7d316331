import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { REDIS_URL } from '../support/databases.ts';
import { SETUPS, connectAuthed, dropPrefix, startApp, testEvent, uniquePrefix, type Harness } from './realtime-helpers.ts';

const services = SETUPS.find((s) => s.redis);
if (!services) console.error('[test] TESTWEB_TEST_REDIS_URL is not set: the cross-process realtime suite is skipped');

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
    const [a, b] = await Promise.all([onOne.event('test.progress'), onTwo.event('test.progress')]);
    expect(b.id).toBe(a.id);
    expect(b).toEqual(a);
    await new Promise((r) => setTimeout(r, 200));
    const ids = (c: typeof onOne) => c.received.filter((m) => m.channel === 'test-updates' && m.id).map((m) => m.id);
    expect(ids(onOne)).toHaveLength(1); // test.started is still queued in `received`; progress was taken
    expect(ids(onTwo)).toEqual(ids(onOne));
    onOne.close();
    onTwo.close();
  });

  it('keeps one id sequence per channel when both processes publish', async () => {
    const root = await connectAuthed(two.wsUrl, admin.accessToken);
    await root.subscribe('system-alerts');
    const published = [];
    for (let i = 0; i < 6; i++) published.push(await (i % 2 ? one : two).app.realtime.broker.publish('system-alerts', 'alert.triggered', { i }));
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
    for (let n = 0; n < 4; n++) await one.app.realtime.broker.publish('user-notifications', 'notification', { n }, { userId: user.id });
    const second = await connectAuthed(two.wsUrl, user.accessToken);
    second.send({ action: 'resume', channel: 'user-notifications', lastId: ack.data.lastId });
    expect((await second.event('resumed')).data.replayed).toBe(4);
    expect(second.channelMessages('user-notifications').map((m) => m.data.n)).toEqual([0, 1, 2, 3]);
    second.close();
  });

  it("authorizes a stress test channel on a process that never saw the test's events", async () => {
    const test = testEvent(user.id, 'stress');
    await one.app.events.publish('TestQueued', { ...test, priority: 1 });
    const watcher = await connectAuthed(two.wsUrl, user.accessToken);
    await new Promise((r) => setTimeout(r, 100));
    expect((await watcher.subscribe(`stress-test-${test.testId}`)).event).toBe('subscribed');
    await one.app.events.publish('TestProgress', { ...test, progress: 5, message: 's1', metrics: { rps: 10 } });
    expect((await watcher.event('test.progress', `stress-test-${test.testId}`)).data.metrics).toEqual({ rps: 10 });
    watcher.close();
  });
});
