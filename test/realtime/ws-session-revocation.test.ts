import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { SETUPS, connectAuthed, startApp, type Harness } from '../realtime/realtime-helpers.ts';

/** Signs `user` in again: a second session of the same account, with its own access token. */
async function secondSession(h: Harness, user: TestUser): Promise<{ accessToken: string }> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: user.email, password: 'a sturdy passphrase 42' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe.each(SETUPS)('a /ws socket opened with an access token ($name)', (setup) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startApp(setup);
  });
  afterAll(async () => h?.close());

  it('closes (4401) when its session is revoked, and only that session’s sockets', async () => {
    const user = await registerUser(h.app);
    const other = await secondSession(h, user);
    const kept = await connectAuthed(h.wsUrl, user.accessToken);
    const revoked = await connectAuthed(h.wsUrl, other.accessToken);
    const sessions = await h.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: user.auth });
    const target = sessions.json<{ items: Array<{ id: string; current: boolean }> }>().items;
    const notCurrent = target.find((s) => !s.current);
    expect(notCurrent, sessions.body).toBeDefined();
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${notCurrent!.id}`,
      headers: user.auth,
    });
    expect(del.statusCode, del.body).toBe(204);
    expect(await revoked.closed).toEqual({ code: 4401, reason: 'access token revoked' });
    // The other session's socket still works: it is subscribed and answered after the close above.
    expect((await kept.subscribe('user-notifications')).event).toBe('subscribed');

    const all = await h.app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: user.auth });
    expect(all.statusCode, all.body).toBe(204);
    expect(await kept.closed).toEqual({ code: 4401, reason: 'access token revoked' });
  });
});
