import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { SETUPS, connectAuthed, startApp, type Harness, type WireMessage } from './realtime-helpers.ts';

const CHANNEL = 'user-notifications';

describe.each(SETUPS)('resume after a disconnect ($name)', (setup) => {
  let h: Harness;
  let user: TestUser;
  const publish = (n: number) => h.app.realtime.broker.publish(CHANNEL, 'notification', { n }, { userId: user.id });

  beforeAll(async () => {
    h = await startApp(setup, { REALTIME_BUFFER_SIZE: '20', REALTIME_BUFFER_AGE: '1s' });
    user = await registerUser(h.app);
  });
  afterAll(async () => h.close());

  it('replays each missed message once and in order, then continues live', async () => {
    const first = await connectAuthed(h.wsUrl, user.accessToken);
    await first.subscribe(CHANNEL);
    await publish(0);
    const seen = await first.event('notification');
    first.socket.terminate(); // a dropped network, not a polite close
    await first.closed;
    for (let n = 1; n <= 5; n++) await publish(n);

    const second = await connectAuthed(h.wsUrl, user.accessToken);
    second.send({ action: 'resume', channel: CHANNEL, lastId: seen.id });
    const resumed = await second.event('resumed', CHANNEL);
    const replayed = second.channelMessages(CHANNEL);
    expect(replayed.map((m) => m.data.n)).toEqual([1, 2, 3, 4, 5]);
    expect(replayed.map((m) => Number(m.id))).toEqual([1, 2, 3, 4, 5].map((k) => Number(seen.id) + k));
    expect(resumed.data).toEqual({ replayed: 5, lastId: replayed[4]!.id });
    await publish(6);
    const live = await second.next((m) => m.data.n === 6);
    expect(Number(live.id)).toBe(Number(seen.id) + 6);
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
    const got = second.received.filter((m): m is WireMessage & { id: string } => m.channel === CHANNEL && m.id !== null);
    const ids = got.map((m) => Number(m.id));
    expect(ids).toEqual(ids.map((_, i) => Number(ack.data.lastId) + 1 + i));
    expect(got.map((m) => m.data.n)).toEqual(got.map((_, i) => 100 + i));
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
    await new Promise((r) => setTimeout(r, 1200));
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
