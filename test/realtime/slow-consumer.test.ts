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
    h = await startApp(setup, {
      REALTIME_SEND_BUFFER_BYTES: String(SEND_BUFFER),
      REALTIME_BUFFER_SIZE: '50',
    });
    user = await registerUser(h.app);
  });
  afterAll(async () => h.close());

  it('is closed with 1013 while the server buffers no more than the bound, and can resume', async () => {
    const slow = await connectAuthed(h.wsUrl, user.accessToken);
    await slow.subscribe(CHANNEL);
    const tcp = (slow.socket as unknown as { _socket: Socket })._socket;
    // Stop reading: the kernel buffers fill, then the server's send buffer would grow without the bound.
    tcp.pause();
    const blob = 'x'.repeat(48 * 1024);
    let lastId = '';
    for (let n = 0; n < 600 && h.app.realtime.stats.slowConsumersClosed === 0; n++) {
      lastId = (
        await h.app.realtime.broker.publish(CHANNEL, 'notification', { n, blob }, { userId: user.id })
      ).id;
      if (n % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(h.app.realtime.stats.slowConsumersClosed).toBe(1);
    // Read again at once, as a client whose event loop was only busy would: the close frame comes after
    // what was already buffered, and the server waits a grace period for it before cutting the socket.
    tcp.resume();
    expect(await slow.closed).toEqual({ code: 1013, reason: 'send buffer full: reconnect and resume' });
    await until(() => h.app.realtime.connections.size === 0, 3000, 'the slow socket to be forgotten');
    // The bound is checked before each send, so the most ever queued is the bound plus one frame.
    expect(h.app.realtime.stats.peakBufferedBytes).toBeLessThanOrEqual(SEND_BUFFER + 64 * 1024);

    const missed = [];
    for (let n = 0; n < 3; n++)
      missed.push(
        (await h.app.realtime.broker.publish(CHANNEL, 'notification', { small: n }, { userId: user.id })).id,
      );
    const again = await connectAuthed(h.wsUrl, user.accessToken);
    again.send({ action: 'resume', channel: CHANNEL, lastId });
    expect((await again.event('resumed', CHANNEL)).data).toEqual({ replayed: 3, lastId: missed[2] });
    expect(again.channelMessages(CHANNEL).map((m) => [m.id, m.data])).toEqual(
      missed.map((id, small) => [id, { small }]),
    );
    again.close();
  });
});
