import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { TEST_SECRETS, registerUser, type TestUser } from '../support/app.ts';
import { SETUPS, connect, connectAuthed, until, type Harness, startApp } from './realtime-helpers.ts';

async function expiredToken(user: TestUser): Promise<string> {
  return new SignJWT({ role: user.role, sid: 'session' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuer('testweb')
    .setAudience('testweb-api')
    .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
    .sign(new TextEncoder().encode(TEST_SECRETS.JWT_SECRET));
}

describe.each(SETUPS)('GET /ws authentication ($name)', (setup) => {
  let h: Harness;
  let user: TestUser;

  beforeAll(async () => {
    h = await startApp(setup, { REALTIME_MAX_CONNECTIONS_PER_USER: '2' });
    user = await registerUser(h.app);
  });
  afterAll(async () => h.close());

  it('refuses a connection without a token with close code 4401', async () => {
    const client = await connect(h.wsUrl, null);
    expect(await client.closed).toEqual({ code: 4401, reason: 'missing access token' });
  });

  it('refuses an invalid token with 4401', async () => {
    const client = await connect(h.wsUrl, 'not.a.jwt');
    expect(await client.closed).toEqual({ code: 4401, reason: 'invalid access token' });
    const forged = await connect(h.wsUrl, user.accessToken.slice(0, -4) + 'AAAA', 'query');
    expect((await forged.closed).code).toBe(4401);
  });

  it('refuses an expired token with 4401 naming the reason', async () => {
    const client = await connect(h.wsUrl, await expiredToken(user));
    expect(await client.closed).toEqual({ code: 4401, reason: 'access token expired' });
  });

  it('accepts a token as the bearer subprotocol without echoing it', async () => {
    const client = await connect(h.wsUrl, user.accessToken);
    expect(client.socket.protocol).toBe('bearer');
    const hello = await client.event('connected');
    expect(hello.data).toMatchObject({ userId: user.id, connectionId: expect.any(String) });
    expect(h.app.realtime.connections.forUser(user.id)).toHaveLength(1);
    client.close();
    await client.closed;
    await until(() => h.app.realtime.connections.size === 0, 2000, 'the connection to be forgotten');
  });

  it('reports open sockets and subscriptions on /metrics', async () => {
    const client = await connectAuthed(h.wsUrl, user.accessToken);
    await client.subscribe('test-updates');
    const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('testweb_realtime_connections{kind="ws"} 1');
    expect(metrics).toContain('testweb_realtime_subscriptions 1');
    client.close();
    await client.closed;
    await until(() => h.app.realtime.connections.size === 0, 2000, 'the connection to be forgotten');
  });

  it('accepts a token in the query string', async () => {
    const client = await connect(h.wsUrl, user.accessToken, 'query');
    await client.event('connected');
    client.close();
    await client.closed;
  });

  it('refuses connections beyond the per-user limit with 4429 and tracks them by user', async () => {
    const a = await connectAuthed(h.wsUrl, user.accessToken);
    const b = await connectAuthed(h.wsUrl, user.accessToken);
    const c = await connect(h.wsUrl, user.accessToken);
    expect((await c.closed).code).toBe(4429);
    expect(
      h.app.realtime.connections
        .forUser(user.id)
        .map((x) => x.id)
        .sort(),
    ).toHaveLength(2);
    a.close();
    b.close();
    await Promise.all([a.closed, b.closed]);
    await until(() => h.app.realtime.connections.size === 0, 2000, 'connections to be forgotten');
  });

  it('answers malformed JSON, a non-object, a binary frame and an unknown action with errors, and keeps the socket open', async () => {
    const client = await connectAuthed(h.wsUrl, user.accessToken);
    client.send('{not json');
    expect((await client.event('error')).data).toMatchObject({
      code: 'ERR_BAD_MESSAGE',
      message: 'Malformed JSON',
    });
    client.send('[1,2]');
    expect((await client.event('error')).data).toMatchObject({ code: 'ERR_BAD_MESSAGE' });
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.event('error')).data).toMatchObject({ code: 'ERR_BAD_MESSAGE' });
    client.send({ action: 'dance' });
    expect((await client.event('error')).data).toMatchObject({ code: 'ERR_UNKNOWN_ACTION' });
    client.send({ action: 'subscribe' });
    expect((await client.event('error')).data).toMatchObject({ code: 'ERR_BAD_MESSAGE' });
    client.send({ action: 'resume', channel: 'test-updates', lastId: 'yesterday' });
    expect((await client.event('error', 'test-updates')).data).toMatchObject({ code: 'ERR_BAD_MESSAGE' });
    client.send({ action: 'ping' });
    expect(await client.event('pong')).toMatchObject({
      event: 'pong',
      id: null,
      channel: null,
      timestamp: expect.any(Number),
    });
    client.close();
    await client.closed;
  });

  it('closes a socket that sends a frame over 64 KiB with 1009', async () => {
    const client = await connectAuthed(h.wsUrl, user.accessToken);
    client.send(JSON.stringify({ action: 'ping', pad: 'x'.repeat(70_000) }));
    expect((await client.closed).code).toBe(1009);
  });
});
