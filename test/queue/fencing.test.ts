import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { EngineResult } from '../../src/engines/index.ts';
import type { TestRunRepository } from '../../src/modules/test-runs/test-run.repository.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { REDIS_URL, TEST_DATABASES } from '../support/databases.ts';
import {
  buildQueueApp,
  cleanRedis,
  QUEUE_MODES,
  queueEnv,
  recordEvents,
  waitFor,
} from './support/queue-app.ts';
import { runRepositorySuite } from './support/run-repository.ts';
import { gatedRuns } from './support/test-engines.ts';

/**
 * Run-id fencing: once another attempt owns a test (it was taken over after its worker was presumed dead,
 * or the user cancelled it), the old attempt's late progress, result, failure or retry change nothing.
 */

interface TestView {
  status: string;
  attempts: number;
  progress: number;
  message: string | null;
  error: string | null;
}

const LEASE_MS = 30_000;
const resultOf = (summary: string): EngineResult => ({
  passed: true,
  score: 90,
  summary,
  metrics: { marker: 1 },
  findings: [],
  details: {},
});

/** Each write an attempt makes after its start, as the run-test handler makes it. */
const LATE_WRITES: Array<
  [string, (runs: TestRunRepository, testId: string, runId: string) => Promise<unknown>]
> = [
  ['progress', (runs, testId, runId) => runs.progress(testId, runId, 90, 'progress of the old attempt')],
  ['result', (runs, testId, runId) => runs.complete(testId, runId, resultOf('result of the old attempt'))],
  ['final failure', (runs, testId, runId) => runs.fail(testId, runId, 'failure of the old attempt')],
  ['retry', (runs, testId, runId) => runs.requeue(testId, runId, 0, 'failure of the old attempt')],
  ['hand-back', (runs, testId, runId) => runs.requeue(testId, runId, 0, null, true)],
];

describe.each(TEST_DATABASES)('run-id fencing in the run repository ($name)', (database) => {
  // No worker: the test drives every attempt itself.
  const suite = runRepositorySuite(database, '/fenced');
  const { submit } = suite;
  let app: FastifyInstance;
  let user: TestUser;
  let runs: TestRunRepository;
  beforeAll(() => void ({ app, user, runs } = suite));
  const view = async (testId: string) =>
    (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })).json<TestView>();
  const result = (testId: string) =>
    app.inject({ method: 'GET', url: `/api/tests/${testId}/result`, headers: user.auth });

  it.each(LATE_WRITES)(
    "a taken-over attempt's late %s changes nothing, and the new attempt's result stands",
    async (_what, write) => {
      const testId = await submit();
      const a = (await runs.start(testId, 'worker-a', LEASE_MS, false))!;
      expect(a.row.attempts).toBe(1);
      // Worker A presumed dead: worker B takes the test over while A still thinks it runs it.
      const b = (await runs.start(testId, 'worker-b', LEASE_MS, true))!;
      expect(b.row.attempts).toBe(2);
      expect(b.runId).not.toBe(a.runId);
      await runs.progress(testId, b.runId, 40, 'progress of the new attempt');
      const before = await view(testId);
      expect(before).toMatchObject({
        status: 'running',
        attempts: 2,
        progress: 40,
        message: 'progress of the new attempt',
        error: null,
      });

      await write(runs, testId, a.runId);
      expect(await runs.renew(testId, a.runId, LEASE_MS)).toBe(false);
      expect(await view(testId)).toEqual(before);
      expect((await result(testId)).statusCode).toBe(404);

      expect(await runs.complete(testId, b.runId, resultOf('result of the new attempt'))).toBe(true);
      // A's write again, now that B finished: still nothing.
      await write(runs, testId, a.runId);
      expect(await view(testId)).toMatchObject({
        status: 'completed',
        attempts: 2,
        progress: 100,
        error: null,
      });
      const stored = await result(testId);
      expect(stored.statusCode).toBe(200);
      expect(stored.json()).toMatchObject({ summary: 'result of the new attempt', score: 90 });
    },
  );

  it.each(LATE_WRITES)("a cancelled attempt's late %s changes nothing", async (_what, write) => {
    const testId = await submit();
    const a = (await runs.start(testId, 'worker-a', LEASE_MS, false))!;
    await runs.progress(testId, a.runId, 30, 'progress before the cancel');
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/queue/jobs/${testId}/cancel`,
      headers: user.auth,
    });
    expect(cancelled.statusCode).toBe(200);
    const before = await view(testId);
    expect(before).toMatchObject({ status: 'cancelled', attempts: 1, progress: 30, message: 'cancelled' });

    await write(runs, testId, a.runId);
    expect(await runs.renew(testId, a.runId, LEASE_MS)).toBe(false);
    expect(await view(testId)).toEqual(before);
    expect((await result(testId)).statusCode).toBe(404);
  });
});

// End to end: a worker too slow to notice it lost its test (its engine blocks, ignoring the signal) while
// its lease runs out and another worker takes the test over. Two apps share one database: PostgreSQL only.
const sharedModes = QUEUE_MODES.filter((m) => m.database.name === 'postgres');
if (sharedModes.length === 0)
  console.error(
    '[test] the end-to-end fencing suite needs TESTWEB_TEST_DATABASE_URL (two workers on one database): skipped',
  );
const placeholder = [{ ...QUEUE_MODES[0]!, name: 'two workers (no PostgreSQL configured)' }];

describe.skipIf(sharedModes.length === 0).each(sharedModes.length ? sharedModes : placeholder)(
  'run-id fencing end to end ($name)',
  ({ driver, database }) => {
    // A renews its lease every third of a minute, so within the test it never notices it lost the test by
    // itself; B's short stalled interval makes it take over quickly.
    const envA = queueEnv(driver, { WORKER_CONCURRENCY: '1', QUEUE_STALLED_INTERVAL: '60s' });
    const envB = { ...envA, QUEUE_STALLED_INTERVAL: '1s' };
    const apps: FastifyInstance[] = [];
    let appA: FastifyInstance;
    let appB: FastifyInstance;
    let drop: () => Promise<void>;
    let user: TestUser;

    beforeAll(async () => {
      const db = await database.create();
      drop = db.drop;
      appA = await buildQueueApp(envA, db.config);
      appB = await buildQueueApp(envB, db.config, { worker: false });
      apps.push(appA, appB);
      user = await registerUser(appA);
    });

    afterEach(() => {
      // Never leave a gated engine blocking an app's shutdown.
      for (const list of gatedRuns.values())
        for (const r of list) r.release({ progress: 0, message: 'released by cleanup', summary: 'cleanup' });
    });

    afterAll(async () => {
      for (const a of apps.reverse()) await a.close();
      await drop?.();
      await cleanRedis(envA);
    });

    const view = async (testId: string) =>
      (
        await appB.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })
      ).json<TestView>();

    /**
     * Time passing for a frozen worker, without waiting for it: its lease expires (embedded), or its BullMQ
     * lock expires and so does the stalled-check mark A's own 60 s check left, which would keep B's check off.
     */
    async function expireHold(testId: string): Promise<void> {
      if (driver === 'embedded') {
        await sql`UPDATE test_queue SET lease_until = now() - interval '1 second' WHERE test_id = ${testId}`.execute(
          appA.database.db,
        );
        return;
      }
      const redis = new Redis(REDIS_URL!);
      try {
        expect(await redis.del(`${envA.QUEUE_PREFIX}:tests:${testId}:lock`)).toBe(1);
        await redis.del(`${envA.QUEUE_PREFIX}:tests:stalled-check`);
      } finally {
        redis.disconnect();
      }
    }

    it("ignores the old worker's late progress and result once another worker took the test over", async () => {
      const events = recordEvents(appB, ['TestCompleted']);
      const url = `http://127.0.0.1:9/gate/${envA.QUEUE_PREFIX}`;
      const res = await appA.inject({
        method: 'POST',
        url: '/api/tests',
        headers: user.auth,
        payload: { type: 'gate', url },
      });
      expect(res.statusCode).toBe(202);
      const { testId } = res.json<{ testId: string }>();
      await waitFor(() => gatedRuns.get(url)?.length === 1, 15_000, 'worker A to start the test');
      expect(await view(testId)).toMatchObject({ status: 'running', attempts: 1 });

      await expireHold(testId);
      appB.testQueue.startWorker();
      await waitFor(() => gatedRuns.get(url)?.length === 2, 15_000, 'worker B to take the test over');
      await waitFor(async () => (await view(testId)).attempts === 2, 5000, 'attempt 2 in the database');
      const [runA, runB] = gatedRuns.get(url)!;

      // A wakes up: reports progress and returns a result, as if it still owned the test.
      runA!.release({
        progress: 77,
        message: 'progress of the old attempt',
        summary: 'result of the old attempt',
      });
      await waitFor(
        () => !appA.testQueue.worker!.running().includes(testId),
        5000,
        'worker A to settle its attempt',
      );
      expect(
        runA!.abortedBeforeRelease,
        'A had not noticed by itself: its writes reached the database layer',
      ).toBe(false);
      expect(await view(testId)).toMatchObject({
        status: 'running',
        attempts: 2,
        progress: 0,
        message: 'started',
      });
      expect(
        (await appB.inject({ method: 'GET', url: `/api/tests/${testId}/result`, headers: user.auth }))
          .statusCode,
      ).toBe(404);

      runB!.release({
        progress: 50,
        message: 'progress of the new attempt',
        summary: 'result of the new attempt',
      });
      await waitFor(
        async () => (await view(testId)).status === 'completed',
        15_000,
        'B to complete the test',
      );
      expect(await view(testId)).toMatchObject({ status: 'completed', attempts: 2, progress: 100 });
      const stored = await appB.inject({
        method: 'GET',
        url: `/api/tests/${testId}/result`,
        headers: user.auth,
      });
      expect(stored.statusCode).toBe(200);
      expect(stored.json()).toMatchObject({ summary: 'result of the new attempt' });
      await waitFor(() => events.some((e) => e.payload.testId === testId), 2000, 'TestCompleted');
      expect(events.filter((e) => e.payload.testId === testId)).toHaveLength(1);
    }, 90_000);
  },
);
