import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { SETUPS, connect, connectAuthed, startApp, type Harness } from '../realtime/realtime-helpers.ts';

describe.each(SETUPS)('GET /ws with a personal API token ($name)', (setup) => {
  let h: Harness;
  let admin: TestUser;
  let user: TestUser;

  async function token(owner: TestUser, scopes: string[]): Promise<{ id: string; token: string }> {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: owner.auth,
      payload: { name: 'ws', scopes },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  beforeAll(async () => {
    h = await startApp(setup);
    admin = await registerUser(h.app);
    user = await registerUser(h.app);
  });
  afterAll(async () => h?.close());

  it('connects with tests:read and receives its user’s channel', async () => {
    const t = await token(user, ['tests:read']);
    const client = await connectAuthed(h.wsUrl, t.token);
    expect((await client.subscribe('user-notifications')).event).toBe('subscribed');
    await h.app.realtime.broker.publish(
      'user-notifications',
      'notification',
      { title: 'for the token' },
      { userId: user.id },
    );
    expect((await client.next((m) => m.data?.title === 'for the token')).channel).toBe('user-notifications');
    const refused = await client.subscribe('system-alerts');
    expect(refused).toMatchObject({ event: 'error', data: { code: 'ERR_FORBIDDEN' } });
    client.close();
  });

  it('refuses a token without tests:read, and a revoked one, with 4401', async () => {
    const writer = await token(user, ['tests:write']);
    expect((await (await connect(h.wsUrl, writer.token)).closed).code).toBe(4401);
    const t = await token(user, ['tests:read']);
    await h.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${t.id}`, headers: user.auth });
    expect((await (await connect(h.wsUrl, t.token, 'query')).closed).code).toBe(4401);
  });

  it('closes an open socket (4401) when its token is revoked or its user disabled', async () => {
    const t = await token(user, ['tests:read']);
    const other = await token(user, ['tests:read']);
    const [revoked, kept] = [
      await connectAuthed(h.wsUrl, t.token),
      await connectAuthed(h.wsUrl, other.token),
    ];
    await h.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${t.id}`, headers: user.auth });
    expect(await revoked.closed).toEqual({ code: 4401, reason: 'access token revoked' });
    expect(kept.socket.readyState).toBe(kept.socket.OPEN);

    const res = await h.app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${user.id}`,
      headers: admin.auth,
      payload: { disabled: true },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await kept.closed).code).toBe(4401);
  });

  it('serves admin channels only to an admin’s token with the admin scope', async () => {
    const plain = await token(admin, ['tests:read']);
    const a = await connectAuthed(h.wsUrl, plain.token);
    expect((await a.subscribe('system-alerts')).data).toMatchObject({ code: 'ERR_FORBIDDEN' });
    a.close();
    const scoped = await token(admin, ['tests:read', 'admin']);
    const b = await connectAuthed(h.wsUrl, scoped.token);
    expect((await b.subscribe('system-alerts')).event).toBe('subscribed');
    b.close();
  });
});
