import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { registerUser, type TestUser } from '../support/app.ts';
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
  message: string | null;
  error: string | null;
}

/** A database that outlives the app using it: PGlite on disk, or a fresh PostgreSQL database. */
async function persistentDatabase(
  name: 'pglite' | 'postgres',
  create: () => Promise<{ config: DatabaseConfig; drop(): Promise<void> }>,
) {
  if (name === 'postgres') return create();
  const dir = mkdtempSync(path.join(tmpdir(), 'testweb-shutdown-'));
  return {
    config: { driver: 'pglite', dir: path.join(dir, 'pgdata') } as DatabaseConfig,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe.each(QUEUE_MODES)('graceful shutdown hands running tests back ($name)', ({ driver, database }) => {
  // 60 % of SHUTDOWN_TIMEOUT is the running tests' grace: 600 ms, after which the hanging engine is stopped.
  const env = queueEnv(driver, { SHUTDOWN_TIMEOUT: '1s' });
  let db: { config: DatabaseConfig; drop(): Promise<void> };
  let user: TestUser;
  const open: FastifyInstance[] = [];

  beforeAll(async () => {
    db = await persistentDatabase(database.name, () => database.create());
    const first = await buildQueueApp(env, db.config, { worker: false });
    user = await registerUser(first);
    await first.close();
  });

  afterEach(async () => {
    for (const app of open.splice(0)) await app.close();
  });

  afterAll(async () => {
    await db?.drop();
    await cleanRedis(env);
  });

  async function start(opts: { worker?: boolean; hangCompletes?: boolean } = {}): Promise<FastifyInstance> {
    const app = await buildQueueApp(env, db.config, opts);
    open.push(app);
    return app;
  }
  async function stop(app: FastifyInstance): Promise<void> {
    open.splice(open.indexOf(app), 1);
    await app.close();
  }
  const view = async (app: FastifyInstance, testId: string) =>
    (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })).json<TestView>();
  const until = (
    app: FastifyInstance,
    testId: string,
    check: (v: TestView) => boolean,
    what: string,
    timeoutMs = 20_000,
  ) =>
    waitFor(
      async () => {
        const v = await view(app, testId);
        return check(v) ? v : undefined;
      },
      timeoutMs,
      what,
    );

  it.each([
    ['on its first attempt', false, 1],
    ['on its second attempt (the first failed)', true, 2],
  ])(
    'a test running %s goes back to the queue without spending an attempt, and the next worker runs it',
    async (_when, failFirst, attempt) => {
      const worker = await start();
      const events = recordEvents(worker, ['TestFailed']);
      const res = await worker.inject({
        method: 'POST',
        url: '/api/tests',
        headers: user.auth,
        payload: {
          type: 'hang',
          url: `http://127.0.0.1:9/shutdown-${attempt}/${env.QUEUE_PREFIX}`,
          options: { failFirst },
        },
      });
      expect(res.statusCode).toBe(202);
      const { testId } = res.json<{ testId: string }>();
      await until(
        worker,
        testId,
        (v) => v.status === 'running' && v.attempts === attempt,
        `attempt ${attempt} to run`,
      );
      await waitFor(() => worker.testQueue.worker!.running().includes(testId), 5000, 'the worker to hold it');

      await stop(worker);
      // Handing back is not a failure: nothing said "failed" during the shutdown.
      expect(events.filter((e) => e.payload.testId === testId)).toHaveLength(attempt - 1);

      const api = await start({ worker: false });
      expect(await view(api, testId)).toMatchObject({
        status: 'queued',
        attempts: attempt - 1,
        message: 'queued again',
      });
      // …and the queue holds it again, ready for the next worker (BullMQ: waiting again in Redis).
      expect((await api.testQueue.driver.holds([testId])).has(testId)).toBe(true);
      await stop(api);

      const next = await start({ hangCompletes: true });
      const done = await until(
        next,
        testId,
        (v) => v.status === 'completed',
        'the next worker to complete it',
      );
      expect(done).toMatchObject({ status: 'completed', attempts: attempt, error: null });
      const result = await next.inject({
        method: 'GET',
        url: `/api/tests/${testId}/result`,
        headers: user.auth,
      });
      expect(result.statusCode).toBe(200);
      expect(result.json()).toMatchObject({ summary: 'completed on takeover' });
    },
    120_000,
  );
});
