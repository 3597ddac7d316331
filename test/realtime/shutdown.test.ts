import { describe, expect, it } from 'vitest';
import { registerUser } from '../support/app.ts';
import { SETUPS, connectAuthed, pollHeld, startApp } from './realtime-helpers.ts';

describe('realtime during shutdown', () => {
  it('answers held polls and closes sockets with 1001 at once instead of waiting out the hold', async () => {
    const h = await startApp(SETUPS[0]!, { REALTIME_POLL_HOLD: '60s' });
    const user = await registerUser(h.app);
    const socket = await connectAuthed(h.wsUrl, user.accessToken);
    await socket.subscribe('test-updates');
    const pollUrl = `${h.wsUrl.replace(/^ws/, 'http').replace(/\/ws$/, '')}/api/realtime/poll?channels=test-updates`;
    const held = fetch(pollUrl, { headers: user.auth });
    await pollHeld(h.app, user.id, ['test-updates']);
    const started = Date.now();
    await h.close();
    expect(Date.now() - started).toBeLessThan(5000);
    const answer = await held;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { messages: unknown[] }).messages).toEqual([]);
    expect((await socket.closed).code).toBe(1001);
  });
});
