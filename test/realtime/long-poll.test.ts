import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import {
  SETUPS,
  connectAuthed,
  pollHeld,
  startApp,
  testEvent,
  type Harness,
  type WireMessage,
} from './realtime-helpers.ts';

// Long enough that a poll is still held when a loaded machine gets round to publishing.
const HOLD_MS = 2000;

interface PollAnswer {
  messages: WireMessage[];
  cursor: string;
  gaps: { channel: string; lastId: string }[];
}

describe.each(SETUPS)('GET /api/realtime/poll ($name)', (setup) => {
  let h: Harness;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  const poll = async (user: TestUser, query: string) => {
    const res = await h.app.inject({ method: 'GET', url: `/api/realtime/poll?${query}`, headers: user.auth });
    return {
      status: res.statusCode,
      body: res.json<PollAnswer & { errors?: { field: string }[]; detail?: string }>(),
      type: res.headers['content-type'],
    };
  };

  beforeAll(async () => {
    h = await startApp(setup, { REALTIME_POLL_HOLD: `${HOLD_MS}ms`, REALTIME_BUFFER_SIZE: '10' });
    admin = await registerUser(h.app);
    alice = await registerUser(h.app);
    bob = await registerUser(h.app);
  });
  afterAll(async () => h.close());

  it('holds until a message arrives and returns exactly what the socket got, with the same id', async () => {
    const socket = await connectAuthed(h.wsUrl, alice.accessToken);
    await socket.subscribe('test-updates');
    const held = poll(alice, 'channels=test-updates');
    await pollHeld(h.app, alice.id, ['test-updates']);
    const test = testEvent(alice.id);
    await h.app.events.publish('TestStarted', { ...test, attempt: 1 });
    const [answer, pushed] = await Promise.all([held, socket.event('test.started')]);
    expect(answer.status).toBe(200);
    expect(answer.body.messages).toEqual([pushed]);
    expect(answer.body.cursor).toBe(`test-updates:${pushed.id}`);

    // Messages published between polls are returned at once from the cursor, in order, each once.
    await h.app.events.publish('TestProgress', { ...test, progress: 30, message: 'a' });
    await h.app.events.publish('TestProgress', { ...test, progress: 60, message: 'b' });
    await socket.next((m) => m.data.progress === 60);
    const started = Date.now();
    const next = await poll(alice, `channels=test-updates&since=${encodeURIComponent(answer.body.cursor)}`);
    expect(Date.now() - started).toBeLessThan(HOLD_MS / 2); // at once, not after a hold
    expect(next.body.messages.map((m) => m.data.progress)).toEqual([30, 60]);
    expect(next.body.messages.map((m) => Number(m.id))).toEqual([
      Number(pushed.id) + 1,
      Number(pushed.id) + 2,
    ]);
    socket.close();
  });

  it('answers with no messages and a cursor when the hold expires', async () => {
    const started = Date.now();
    const answer = await poll(bob, 'channels=test-updates,user-notifications');
    expect(Date.now() - started).toBeGreaterThanOrEqual(HOLD_MS - 50);
    expect(answer.body.messages).toEqual([]);
    expect(answer.body.cursor).toMatch(/^test-updates:\d+,user-notifications:\d+$/);
    expect(h.app.realtime.connections.size).toBe(0);
  });

  it('reports a gap when the cursor is older than the buffer', async () => {
    const first = await poll(bob, 'channels=user-notifications&since=user-notifications:1');
    expect(first.body.gaps).toEqual([{ channel: 'user-notifications', lastId: expect.any(String) }]);
  });

  it("applies the socket authorization: 403 for system-alerts, 404 for another user's stress test, 400 for an unknown channel", async () => {
    // Alice sees her stress test queued, as she would before opening its channel.
    const socket = await connectAuthed(h.wsUrl, alice.accessToken);
    await socket.subscribe('test-updates');
    const test = testEvent(alice.id, 'stress');
    await h.app.events.publish('TestQueued', { ...test, priority: 1 });
    await socket.next((m) => m.data.testId === test.testId);
    socket.close();
    const forbidden = await poll(bob, 'channels=system-alerts');
    expect(forbidden.status).toBe(403);
    expect(forbidden.type).toContain('application/problem+json');
    expect(forbidden.body.detail).toContain('system-alerts');
    expect((await poll(bob, `channels=stress-test-${test.testId}`)).status).toBe(404);
    const unknown = await poll(bob, 'channels=everything');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.field).toBe('/querystring/channels');
    const badSince = await poll(bob, 'channels=test-updates&since=yesterday');
    expect(badSince.status).toBe(400);
    expect(badSince.body.errors?.[0]?.field).toBe('/querystring/since');
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/realtime/poll?channels=test-updates' })).statusCode,
    ).toBe(401);

    // The owner and an admin may poll the stress channel.
    const owner = poll(alice, `channels=stress-test-${test.testId}`);
    const root = poll(admin, `channels=stress-test-${test.testId},system-alerts`);
    await pollHeld(h.app, alice.id, [`stress-test-${test.testId}`]);
    await pollHeld(h.app, admin.id, [`stress-test-${test.testId}`, 'system-alerts']);
    await h.app.events.publish('TestProgress', { ...test, progress: 1, message: 's1', metrics: { rps: 3 } });
    for (const answer of await Promise.all([owner, root])) {
      expect(answer.status).toBe(200);
      expect(answer.body.messages.map((m) => m.data.metrics)).toEqual([{ rps: 3 }]);
    }
  });
});
