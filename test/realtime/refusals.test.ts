import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { SETUPS, connectAuthed, startApp, testEvent, type Client, type Harness } from './realtime-helpers.ts';

const MAX_SUBSCRIPTIONS = 2;

interface Refusal {
  what: string;
  /** Channels subscribed first (accepted), then the one that is refused. */
  channels: (ids: { aliceTest: string; bobTest: string }) => string[];
  code: string;
  status: number;
}

// One error path: the same bad subscription answers the same code on the socket and on the long-poll.
const REFUSALS: Refusal[] = [
  { what: 'an unknown channel', channels: () => ['everything'], code: 'ERR_UNKNOWN_CHANNEL', status: 400 },
  {
    what: 'the admin-only channel as a user',
    channels: () => ['system-alerts'],
    code: 'ERR_FORBIDDEN',
    status: 403,
  },
  {
    what: "another user's stress test",
    channels: ({ bobTest }) => [`stress-test-${bobTest}`],
    code: 'ERR_NOT_FOUND',
    status: 404,
  },
  {
    what: 'one channel more than the limit',
    channels: ({ aliceTest }) => ['test-updates', 'user-notifications', `stress-test-${aliceTest}`],
    code: 'ERR_TOO_MANY_SUBSCRIPTIONS',
    status: 400,
  },
];

describe.each(SETUPS)('refused subscriptions over WebSocket and long-poll ($name)', (setup) => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  const ids = { aliceTest: '', bobTest: '' };
  const clients: Client[] = [];

  /** Queues a stress test for `user` and waits until their own socket has seen it (its owner is known then). */
  async function stressTestOf(user: TestUser): Promise<string> {
    const watcher = await connectAuthed(h.wsUrl, user.accessToken);
    clients.push(watcher);
    await watcher.subscribe('test-updates');
    const test = testEvent(user.id, 'stress');
    await h.app.events.publish('TestQueued', { ...test, priority: 1 });
    await watcher.next((m) => m.event === 'test.queued' && m.data.testId === test.testId);
    return test.testId;
  }

  beforeAll(async () => {
    h = await startApp(setup, {
      REALTIME_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS),
      REALTIME_POLL_HOLD: '200ms',
    });
    await registerUser(h.app); // the admin
    alice = await registerUser(h.app);
    bob = await registerUser(h.app);
    ids.aliceTest = await stressTestOf(alice);
    ids.bobTest = await stressTestOf(bob);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await h.close();
  });

  it.each(REFUSALS)(
    '$what: $code on the socket, the same code and HTTP $status on the long-poll',
    async ({ channels: of, code, status }) => {
      const channels = of(ids);
      const refused = channels[channels.length - 1]!;

      const socket = await connectAuthed(h.wsUrl, alice.accessToken);
      clients.push(socket);
      for (const channel of channels.slice(0, -1))
        expect((await socket.subscribe(channel)).event).toBe('subscribed');
      const frame = await socket.subscribe(refused);
      expect(frame).toMatchObject({ event: 'error', channel: refused, id: null, data: { code } });
      socket.close();

      const res = await h.app.inject({
        method: 'GET',
        url: `/api/realtime/poll?channels=${encodeURIComponent(channels.join(','))}`,
        headers: alice.auth,
      });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect({ status: res.statusCode, code: res.json<{ code: string }>().code }).toEqual({ status, code });
      expect(res.json<{ detail: string }>().detail).toBe(frame.data.message);
    },
  );
});
