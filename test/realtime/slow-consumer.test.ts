import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { registerUser, type TestUser } from '../support/app.ts';
import { SETUPS, connectAuthed, startApp, until, type Harness } from './realtime-helpers.ts';

const SEND_BUFFER = 65_536;
const CHANNEL = 'user-notifications';

describe.each(SETUPS)('a client that cannot keep up ($name)', (setup) => {
  let h: Harness;
  let user: TestUser;

  beforeAll(async () => {
    h = await startApp(setup, { REALTIME_SEND_BUFFER_BYTES: String(SEND_BUFFER), REALTIME_BUFFER_SIZE: '50' });
    user = await registerUser(h.app);
  });
  afterAll(async () => h.close());

  it('is closed with 1013 while the server buffers no more than the bound, and can resume', async () => {
    const slow = await connectAuthed(h.wsUrl, user.accessToken);
    await slow.subscribe(CHANNEL);
    // Stop reading: the kernel buffers fill, then the server's send buffer would grow without the bound.
    (slow.socket as unknown as { _socket: Socket })._socket.pause();
    const blob = 'x'.repeat(48 * 1024);
    let lastId = '';
    for (let n = 0; n < 600 && h.app.realtime.stats.slowConsumersClosed === 0; n++) {
      lastId = (await h.app.realtime.broker.publish(CHANNEL, 'notification', { n, blob }, { userId: user.id })).id;
      if (n % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => h.app.realtime.stats.slowConsumersClosed === 1, 5000, 'the slow consumer to be closed');
    await until(() => h.app.realtime.connections.size === 0, 3000, 'the slow socket to be forgotten');
    // The bound is checked before each send, so the most ever queued is the bound plus one frame.
    expect(h.app.realtime.stats.peakBufferedBytes).toBeLessThanOrEqual(SEND_BUFFER + 64 * 1024);
    (slow.socket as unknown as { _socket: Socket })._socket.resume();
    expect([1013, 1006]).toContain((await slow.closed).code);

    for (let n = 0; n < 3; n++) await h.app.realtime.broker.publish(CHANNEL, 'notification', { small: n }, { userId: user.id });
    const again = await connectAuthed(h.wsUrl, user.accessToken);
    again.send({ action: 'resume', channel: CHANNEL, lastId });
    expect((await again.event('resumed', CHANNEL)).data.replayed).toBe(3);
    expect(again.channelMessages(CHANNEL).map((m) => m.data.small)).toEqual([0, 1, 2]);
    again.close();
  });
});
