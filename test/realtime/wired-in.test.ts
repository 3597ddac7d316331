import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerUser, type TestUser } from '../support/app.ts';
import { SETUPS, connectAuthed, startApp, type Harness } from './realtime-helpers.ts';

// The whole path: POST /api/tests → queue → worker → stress engine → events → broker → sockets.
describe.each(SETUPS)('test events reach the sockets through the real queue ($name)', (setup) => {
  let h: Harness;
  let owner: TestUser;
  let target: http.Server;
  let targetUrl: string;

  beforeAll(async () => {
    target = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
    h = await startApp(setup);
    await registerUser(h.app); // the admin
    owner = await registerUser(h.app);
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((resolve) => target.close(resolve));
  });

  it('streams a stress test: lifecycle on test-updates, per-second metrics on stress-test-{testId}', async () => {
    const socket = await connectAuthed(h.wsUrl, owner.accessToken);
    await socket.subscribe('test-updates');
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: owner.auth,
      payload: { type: 'stress', url: targetUrl, options: { vus: 2, duration: 2 } },
    });
    expect(res.statusCode).toBe(202);
    const { testId } = res.json<{ testId: string }>();
    const channel = `stress-test-${testId}`;
    expect((await socket.subscribe(channel)).event).toBe('subscribed');

    const metrics = await socket.next(
      (m) => m.channel === channel && m.event === 'test.progress' && m.data.metrics !== undefined,
      15_000,
    );
    expect(metrics.data).toMatchObject({ testId, type: 'stress' });
    expect(Object.keys(metrics.data.metrics as object).length).toBeGreaterThan(0);
    const done = await socket.next(
      (m) => m.channel === 'test-updates' && (m.event === 'test.completed' || m.event === 'test.failed'),
      20_000,
    );
    expect(done).toMatchObject({ event: 'test.completed', data: { testId } });
    const lifecycle = socket.received
      .filter((m) => m.channel === 'test-updates' && m.data.testId === testId)
      .map((m) => m.event);
    expect(lifecycle).toContain('test.started');
    socket.close();
  });
});
