import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { registerUser } from '../support/app.ts';
import { SETUPS, connectAuthed, startApp, until, type Harness } from './realtime-helpers.ts';

describe.each(SETUPS.slice(0, 1))('heartbeat ($name)', (setup) => {
  let h: Harness;

  beforeAll(async () => {
    // Tokens live 3 s here, so each test registers its user right before connecting.
    h = await startApp(setup, { REALTIME_PING_INTERVAL: '100ms', ACCESS_TOKEN_TTL: '3s' });
  });
  afterAll(async () => h.close());

  it('terminates a client that stops answering pings and leaves no trace in any map or channel', async () => {
    const user = await registerUser(h.app);
    const silent = await connectAuthed(h.wsUrl, user.accessToken, { autoPong: false });
    const healthy = await connectAuthed(h.wsUrl, user.accessToken);
    await silent.subscribe('test-updates');
    await healthy.subscribe('user-notifications');
    expect(h.app.realtime.connections.forUser(user.id)).toHaveLength(2);
    const { code } = await silent.closed;
    expect(code).toBe(1006); // terminated, no close handshake
    await until(() => h.app.realtime.connections.size === 1, 2000, 'the silent socket to be forgotten');
    expect(h.app.realtime.channels.subscriptionCount).toBe(1);
    expect(h.app.realtime.stats.heartbeatTerminations).toBeGreaterThanOrEqual(1);
    // Five more pings later the client that answers them is still there.
    const pings = healthy.pings;
    await until(() => healthy.pings >= pings + 5, 5000, 'five more pings');
    expect(healthy.socket.readyState).toBe(healthy.socket.OPEN);
    expect(h.app.realtime.connections.size).toBe(1);
    healthy.close();
    await healthy.closed;
    await until(
      () => h.app.realtime.connections.size === 0 && h.app.realtime.channels.streamCount === 0,
      2000,
      'empty maps',
    );
  });

  it('closes a socket with 4401 once its access token expires', async () => {
    const fresh = await registerUser(h.app);
    const expiresAt = decodeJwt(fresh.accessToken).exp! * 1000;
    const client = await connectAuthed(h.wsUrl, fresh.accessToken);
    expect(await client.closed).toEqual({ code: 4401, reason: 'access token expired' });
    // Not before the token expires, and within a few ping intervals (100 ms) after, not a token lifetime later.
    const closedAt = Date.now();
    expect(closedAt).toBeGreaterThanOrEqual(expiresAt);
    expect(closedAt - expiresAt).toBeLessThan(1000);
  });
});
