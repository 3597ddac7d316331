import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { SETUPS, connectAuthed, seen, startApp, until, type Harness } from './realtime-helpers.ts';

const CHANNEL = 'user-notifications';

describe.each(SETUPS)('resume after a disconnect ($name)', (setup) => {
  let h: Harness;
  let user: TestUser;
  const publish = (n: number) =>
    h.app.realtime.broker.publish(CHANNEL, 'notification', { n }, { userId: user.id });

  beforeAll(async () => {
    h = await startApp(setup, { REALTIME_BUFFER_SIZE: '20', REALTIME_BUFFER_AGE: '1s' });
    user = await registerUser(h.app);
  });
  afterAll(async () => h.close());

  it('replays each missed message once and in order, then continues live', async () => {
    const first = await connectAuthed(h.wsUrl, user.accessToken);
    await first.subscribe(CHANNEL);
    await publish(0);
    const last = await first.event('notification');
    first.socket.terminate(); // a dropped network, not a polite close
    await first.closed;
    for (let n = 1; n <= 5; n++) await publish(n);

    const second = await connectAuthed(h.wsUrl, user.accessToken);
    second.send({ action: 'resume', channel: CHANNEL, lastId: last.id });
    await second.event('resumed', CHANNEL);
    const at = (k: number) => String(Number(last.id) + k);
    // Everything after the greeting: exactly the five missed messages, in order, then the acknowledgement.
    expect(second.log.slice(1).map(seen)).toEqual([
      ...[1, 2, 3, 4, 5].map((n) => ({ event: 'notification', id: at(n), channel: CHANNEL, data: { n } })),
      { event: 'resumed', id: null, channel: CHANNEL, data: { replayed: 5, lastId: at(5) } },
    ]);
    await publish(6);
    await second.next((m) => m.data.n === 6);
    // Live from there: the next message once, nothing replayed twice.
    expect(second.log.slice(7).map(seen)).toEqual([
      { event: 'notification', id: at(6), channel: CHANNEL, data: { n: 6 } },
    ]);
    second.close();
  });

  it('delivers a contiguous, duplicate-free sequence when messages are published during the resume', async () => {
    const first = await connectAuthed(h.wsUrl, user.accessToken);
    const ack = await first.subscribe(CHANNEL);
    first.close();
    const publishing = (async () => {
      for (let n = 0; n < 15; n++) await publish(100 + n);
    })();
    const second = await connectAuthed(h.wsUrl, user.accessToken);
    second.send({ action: 'resume', channel: CHANNEL, lastId: ack.data.lastId });
    await publishing;
    await second.next((m) => m.data.n === 114);
    await second.event('resumed', CHANNEL);
    const got = second.log.slice(1);
    const resumed = got.findIndex((m) => m.event === 'resumed');
    const messages = got.filter((m) => m.event !== 'resumed');
    const at = (k: number) => String(Number(ack.data.lastId) + k);
    // Each of the 15 exactly once, in order, whether it came as replay (before `resumed`) or live (after).
    expect(messages.map(seen)).toEqual(
      messages.map((_, i) => ({
        event: 'notification',
        id: at(i + 1),
        channel: CHANNEL,
        data: { n: 100 + i },
      })),
    );
    expect(messages).toHaveLength(15);
    expect(got[resumed]!.data).toEqual({ replayed: resumed, lastId: at(resumed) });
    second.close();
  });

  it('answers resume-gap when the missed messages are no longer retained (buffer size)', async () => {
    const client = await connectAuthed(h.wsUrl, user.accessToken);
    const ack = await client.subscribe(CHANNEL);
    client.send({ action: 'unsubscribe', channel: CHANNEL });
    await client.event('unsubscribed');
    let last = '';
    for (let n = 0; n < 25; n++) last = (await publish(200 + n)).id;
    client.send({ action: 'resume', channel: CHANNEL, lastId: ack.data.lastId });
    const gap = await client.event('resume-gap', CHANNEL);
    expect(gap.data).toMatchObject({ code: 'ERR_RESUME_GAP', lastId: last });
    expect(client.channelMessages(CHANNEL)).toEqual([]);
    await publish(999);
    expect(Number((await client.next((m) => m.data.n === 999)).id)).toBe(Number(last) + 1);
    client.close();
  });

  it('answers resume-gap when the missed messages are older than the buffer age', async () => {
    const client = await connectAuthed(h.wsUrl, user.accessToken);
    const ack = await client.subscribe(CHANNEL);
    client.send({ action: 'unsubscribe', channel: CHANNEL });
    await client.event('unsubscribed');
    await publish(300);
    const publishedBy = Date.now();
    // The buffer keeps what is younger than REALTIME_BUFFER_AGE (1 s here): wait until this message is older.
    await until(() => Date.now() > publishedBy + 1000, 3000, 'the message to age out');
    client.send({ action: 'resume', channel: CHANNEL, lastId: ack.data.lastId });
    expect((await client.event('resume-gap', CHANNEL)).data.code).toBe('ERR_RESUME_GAP');
    client.close();
  });

  it('treats a resume at the head as complete and an id from the future as a gap', async () => {
    const client = await connectAuthed(h.wsUrl, user.accessToken);
    const ack = await client.subscribe(CHANNEL);
    client.send({ action: 'resume', channel: CHANNEL, lastId: ack.data.lastId });
    expect((await client.event('resumed', CHANNEL)).data).toEqual({ replayed: 0, lastId: ack.data.lastId });
    client.send({ action: 'resume', channel: CHANNEL, lastId: String(Number(ack.data.lastId) + 1000) });
    expect((await client.event('resume-gap', CHANNEL)).data.lastId).toBe(ack.data.lastId);
    client.close();
  });
});
