import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { registerUser } from '../support/app.ts';
import { REDIS_URL } from '../support/databases.ts';
import { buildQueueApp, cleanRedis, QUEUE_MODES, queueEnv, waitFor } from './support/queue-app.ts';

async function deleteQueueKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL!);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

const bullmqModes = QUEUE_MODES.filter((m) => m.driver === 'bullmq');
if (bullmqModes.length === 0)
  console.error(
    "[test] the reconciler suite needs TESTWEB_TEST_REDIS_URL (it deletes the queue's Redis keys): skipped",
  );

// Skipped without Redis: the embedded driver's queue is the database itself, there is nothing to lose.
const placeholder = [{ ...QUEUE_MODES[0]!, name: 'bullmq (no Redis configured)' }];
describe.skipIf(bullmqModes.length === 0).each(bullmqModes.length ? bullmqModes : placeholder)(
  'reconciler ($name)',
  ({ driver, database }) => {
    const env = queueEnv(driver);
    let app: FastifyInstance;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const db = await database.create();
      drop = db.drop;
      app = await buildQueueApp(env, db.config, { worker: false });
    });

    afterAll(async () => {
      await app?.close();
      await drop?.();
      await cleanRedis(env);
    });

    it('re-enqueues every queued test after the queue lost its Redis keys, and none is lost', async () => {
      const user = await registerUser(app);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/tests',
          headers: user.auth,
          payload: { type: 'sleep', url: `http://127.0.0.1:9/r${i}`, options: { ms: 5 }, priority: i % 3 },
        });
        ids.push(res.json<{ testId: string }>().testId);
      }
      expect((await app.testQueue.driver.holds(ids)).size).toBe(5);
      expect(await deleteQueueKeys(env.QUEUE_PREFIX!)).toBeGreaterThan(0);
      expect((await app.testQueue.driver.holds(ids)).size).toBe(0);

      app.testQueue.startWorker();
      const requeued = await app.testQueue.reconciler!.run(0);
      expect(requeued.sort()).toEqual([...ids].sort());
      for (const id of ids) {
        await waitFor(
          async () =>
            (await app.inject({ method: 'GET', url: `/api/tests/${id}`, headers: user.auth })).json<{
              status: string;
            }>().status === 'completed',
          15_000,
          `${id} to complete`,
        );
      }
      // A second pass finds nothing missing.
      expect(await app.testQueue.reconciler!.run(0)).toEqual([]);
    });
  },
);
