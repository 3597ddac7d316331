import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startFixtureServer, type FixtureServer } from '../fixtures/target-server.fixture.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { waitForQuiet } from './support/quiet.ts';
import {
  buildQueueApp,
  cleanRedis,
  QUEUE_MODES,
  queueEnv,
  recordEvents,
  waitFor,
} from './support/queue-app.ts';

interface TestView {
  status: string;
  attempts: number;
  progress: number;
  message: string | null;
}

/** The engine contract: an engine stops within 2 s of its abort. */
const STOP_WITHIN_MS = 2000;

describe.each(QUEUE_MODES)(
  'cancelling a running stress test through the queue API ($name)',
  ({ driver, database }) => {
    // ALLOW_PRIVATE_TARGETS=true (the test default): the target is the loopback fixture.
    const env = queueEnv(driver, { ALLOW_PRIVATE_TARGETS: 'true' });
    let app: FastifyInstance;
    let drop: () => Promise<void>;
    let user: TestUser;
    let fixture: FixtureServer;

    beforeAll(async () => {
      fixture = await startFixtureServer();
      const db = await database.create();
      drop = db.drop;
      app = await buildQueueApp(env, db.config);
      user = await registerUser(app);
    });

    afterAll(async () => {
      await app?.close();
      await fixture?.close();
      await drop?.();
      await cleanRedis(env);
    });

    const view = async (testId: string) =>
      (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })).json<TestView>();

    it('stops the load on the target within 2 s, and the cancelled attempt writes no progress or result afterwards', async () => {
      const events = recordEvents(app, ['TestProgress', 'TestCompleted', 'TestFailed', 'TestCancelled']);
      const hits = () => fixture.hits.get('/slow') ?? 0;
      // 30 s of load from 4 users on an endpoint that answers in 20 ms: far longer than the test waits.
      const res = await app.inject({
        method: 'POST',
        url: '/api/tests',
        headers: user.auth,
        payload: { type: 'stress', url: `${fixture.url}/slow?ms=20`, options: { vus: 4, duration: '30s' } },
      });
      expect(res.statusCode).toBe(202);
      const { testId } = res.json<{ testId: string }>();
      const mine = (name: string) => events.filter((e) => e.payload.testId === testId && e.name === name);

      const ticks = () =>
        mine('TestProgress').filter((e) => 'metrics' in e.payload && e.payload.metrics).length;
      // Mid-run: requests arrive and the engine has reported a second of live figures.
      await waitFor(() => hits() > 20 && ticks() > 0, 20_000, 'the load to flow');
      expect((await view(testId)).status).toBe('running');
      // Cancel just after a per-second report, so the next one is due a second later: any report that
      // arrives after TestCancelled came from the attempt winding down, not from a tick racing the cancel.
      const seen = ticks();
      await waitFor(() => ticks() > seen, 5000, 'the next per-second report', 5);

      const cancelledAt = Date.now();
      const cancel = await app.inject({
        method: 'POST',
        url: `/api/queue/jobs/${testId}/cancel`,
        headers: user.auth,
      });
      expect(cancel.statusCode).toBe(200);
      const atCancel = cancel.json<TestView>();
      expect(atCancel).toMatchObject({ status: 'cancelled', attempts: 1 });

      // The target stops receiving requests: the count stops growing, and its last increase came within 2 s.
      const quiet = await waitForQuiet(hits, 1000, 15_000, 'requests at the fixture to stop');
      expect(quiet.lastChangeAt - cancelledAt).toBeLessThan(STOP_WITHIN_MS);
      await waitFor(
        () => !app.testQueue.worker!.running().includes(testId),
        5000,
        'the worker to let the attempt go',
      );

      // Nothing the attempt did after the cancel reached the test: progress and message as the cancel left them.
      const after = await view(testId);
      expect(after).toMatchObject({
        status: 'cancelled',
        attempts: 1,
        progress: atCancel.progress,
        message: atCancel.message,
      });
      const settled = await waitForQuiet(() => view(testId), 1000, 10_000, 'the test to stay as it is');
      expect(settled.value).toEqual(after);
      expect(
        (await app.inject({ method: 'GET', url: `/api/tests/${testId}/result`, headers: user.auth }))
          .statusCode,
      ).toBe(404);
      expect(mine('TestCancelled')).toHaveLength(1);
      expect(mine('TestCompleted')).toHaveLength(0);
      expect(mine('TestFailed')).toHaveLength(0);
      // Nor did live progress: a realtime client sees nothing move after test.cancelled.
      const cancelledEventAt = mine('TestCancelled')[0]!.at;
      expect(
        mine('TestProgress')
          .filter((e) => e.at > cancelledEventAt)
          .map((e) => (e.payload as { message: string }).message),
      ).toEqual([]);
    }, 60_000);
  },
);
