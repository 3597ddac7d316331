import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerUser, type TestUser } from '../support/app.ts';
import { buildQueueApp, cleanRedis, QUEUE_MODES, queueEnv, waitFor } from '../queue/support/queue-app.ts';

interface Live {
  testId: string;
  status: string;
  queuePosition: number | null;
  points: Array<{ at: number; metrics: Record<string, number> }>;
}

describe.each(QUEUE_MODES)('GET /api/tests/:testId/live ($name)', ({ driver, database }) => {
  const drops: Array<() => Promise<void>> = [];
  const apps: FastifyInstance[] = [];
  const envs: Array<Record<string, string>> = [];

  async function start(worker: boolean) {
    const db = await database.create();
    drops.push(db.drop);
    const env = queueEnv(driver, { QUEUE_MAX_ACTIVE_PER_USER: '20', WORKER_CONCURRENCY: '1' });
    envs.push(env);
    const app = await buildQueueApp(env, db.config, { worker });
    apps.push(app);
    return app;
  }
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const drop of drops) await drop();
    for (const env of envs) await cleanRedis(env);
  });

  const submit = async (app: FastifyInstance, user: TestUser, payload: object) => {
    const res = await app.inject({ method: 'POST', url: '/api/tests', headers: user.auth, payload });
    expect(res.statusCode, res.body).toBe(202);
    return res.json<{ testId: string }>().testId;
  };
  const live = async (app: FastifyInstance, user: TestUser, testId: string) => {
    const res = await app.inject({ method: 'GET', url: `/api/tests/${testId}/live`, headers: user.auth });
    return { status: res.statusCode, body: res.json<Live>() };
  };

  describe('without a worker (everything stays queued)', () => {
    let app: FastifyInstance;
    let alice: TestUser;
    let bob: TestUser;
    beforeAll(async () => {
      app = await start(false);
      await registerUser(app);
      alice = await registerUser(app);
      bob = await registerUser(app);
    });

    it('gives the queue position in dispatch order: higher priority first, then older', async () => {
      const url = 'http://127.0.0.1:9/q';
      const first = await submit(app, alice, { type: 'sleep', url, priority: 0 });
      const second = await submit(app, bob, { type: 'sleep', url, priority: 0 });
      const urgent = await submit(app, alice, { type: 'sleep', url, priority: 5 });
      expect((await live(app, alice, urgent)).body.queuePosition).toBe(0);
      expect((await live(app, alice, first)).body.queuePosition).toBe(1);
      // Other users' tests count too: the queue is shared.
      expect((await live(app, bob, second)).body.queuePosition).toBe(2);
      const view = (await live(app, alice, first)).body;
      expect(view).toMatchObject({ testId: first, status: 'queued', points: [] });
    });

    it("answers 404 for another user's test", async () => {
      const mine = await submit(app, alice, { type: 'sleep', url: 'http://127.0.0.1:9/mine' });
      const res = await live(app, bob, mine);
      expect(res.status).toBe(404);
    });
  });

  describe('with a worker', () => {
    let app: FastifyInstance;
    let alice: TestUser;
    beforeAll(async () => {
      app = await start(true);
      await registerUser(app);
      alice = await registerUser(app);
    });

    it('keeps the per-second points of a running test, so a late reader gets what it missed', async () => {
      const testId = await submit(app, alice, {
        type: 'sleep',
        url: 'http://127.0.0.1:9/points',
        options: { ms: 4000, tickMs: 200 },
      });
      const during = await waitFor(
        async () => {
          const { body } = await live(app, alice, testId);
          return body.status === 'running' && body.points.length >= 3 ? body : undefined;
        },
        15_000,
        'three points while running',
      );
      expect(during.queuePosition).toBeNull();
      expect(during.points.slice(0, 3).map((p) => p.metrics.tick)).toEqual([1, 2, 3]);
      expect(during.points[1]!.at).toBeGreaterThanOrEqual(during.points[0]!.at);
      await app.inject({ method: 'POST', url: `/api/queue/jobs/${testId}/cancel`, headers: alice.auth });
    });
  });
});
