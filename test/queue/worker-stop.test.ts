import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { JobHandler, JobOutcome, TestQueueDriver } from '../../src/modules/queue/index.ts';
import type { Consumer, JobRunner } from '../../src/modules/queue/queue-driver.ts';
import { startTestWorker } from '../../src/modules/queue/test-worker.ts';
import { createRunTestHandler } from '../../src/modules/test-runs/run-test.handler.ts';
import { createTestRunRepository } from '../../src/modules/test-runs/test-run.repository.ts';
import { createLocalEventBus } from '../../src/shared/events/index.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { buildQueueApp, queueEnv, recordEvents, waitFor } from './support/queue-app.ts';

/**
 * A worker that is stopping can still be handed a job: BullMQ's blocking fetch (or the embedded driver's
 * claim) already in flight when the worker paused returns one — often the very test the worker just
 * handed back. Such a job must go straight back too, or shutdown waits for it forever.
 */

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

/** A driver whose consumer, while closing, receives one more job — what an in-flight fetch delivers. */
function racingDriver() {
  let run: JobRunner | undefined;
  const runs: Array<Promise<JobOutcome>> = [];
  const deliver = (testId: string) => runs.push(run!(testId, { exclusive: true }));
  const driver = {
    kind: 'bullmq',
    consume(r: JobRunner): Consumer {
      run = r;
      return {
        pause: async () => undefined,
        async close() {
          deliver('late');
          await Promise.all(runs);
        },
      };
    },
  } as unknown as TestQueueDriver;
  return { driver, deliver, runs };
}

describe('a stopping worker', () => {
  it('hands back a job that reaches it after it stopped its running ones, and finishes stopping', async () => {
    const { driver, deliver, runs } = racingDriver();
    const started: Array<{ testId: string; abortedAtStart: boolean }> = [];
    // Like the run-test handler: runs until its signal aborts, and hands the test back on 'shutdown'.
    const handler: JobHandler = (testId, signal) =>
      new Promise((resolve) => {
        started.push({ testId, abortedAtStart: signal.aborted });
        const settle = () =>
          resolve(signal.reason === 'shutdown' ? { kind: 'handed-back' } : { kind: 'cancelled' });
        if (signal.aborted) settle();
        else signal.addEventListener('abort', settle, { once: true });
      });
    const worker = startTestWorker({
      driver,
      run: handler,
      events: createLocalEventBus(silent),
      concurrency: 2,
      log: silent,
    });
    deliver('running');
    expect(worker.running()).toEqual(['running']);

    await withDeadline(worker.stop(100), 5000, 'the worker stop');
    expect(await Promise.all(runs)).toEqual([{ kind: 'handed-back' }, { kind: 'handed-back' }]);
    expect(started).toEqual([
      { testId: 'running', abortedAtStart: false },
      { testId: 'late', abortedAtStart: true },
    ]);
    expect(worker.running()).toEqual([]);
  });
});

describe.each(TEST_DATABASES)('the run-test handler given a job while stopping ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let user: TestUser;
  let engineRuns = 0;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildQueueApp(queueEnv('embedded'), db.config, { worker: false });
    user = await registerUser(app);
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const runs = () => createTestRunRepository(app.database.db);
  const handler = () =>
    createRunTestHandler({
      runs: runs(),
      events: app.events,
      runner: { run: async () => (engineRuns++, { summary: 'ran', metrics: {}, findings: [], details: {} }) },
      log: silent,
      workerId: 'stopping-worker',
      attempts: 3,
      backoffMs: 100,
      leaseMs: 30_000,
      jobTimeoutMs: 60_000,
    });
  const stopped = () => {
    const c = new AbortController();
    c.abort('shutdown');
    return c.signal;
  };
  /** Priority 10: the next claim takes this test before any other queued one. */
  const submitted: string[] = [];
  async function submit(): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: user.auth,
      payload: { type: 'sleep', url: 'http://127.0.0.1:9/stopping', options: { ms: 5 }, priority: 10 },
    });
    submitted.push(res.json<{ testId: string }>().testId);
    return submitted.at(-1)!;
  }
  // Out of the way of the next case's claim.
  afterEach(async () => {
    for (const id of submitted.splice(0))
      await app.inject({ method: 'POST', url: `/api/queue/jobs/${id}/cancel`, headers: user.auth });
  });
  const view = async (testId: string) =>
    (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })).json<{
      status: string;
      attempts: number;
      message: string | null;
      startedAt: string | null;
    }>();

  it.each([
    ['a job it would start itself (BullMQ)', false],
    ['a job the driver already claimed (embedded)', true],
  ])(
    'hands back %s without starting it: still queued, attempts unchanged, no TestStarted',
    async (_what, claimed) => {
      const events = recordEvents(app, ['TestStarted']);
      const testId = await submit();
      const before = engineRuns;
      const untouched = await view(testId);
      const claim = claimed ? (await runs().claimNext(1, 'stopping-worker', 30_000))[0] : undefined;
      if (claimed) expect(claim).toMatchObject({ testId, row: { status: 'running', attempts: 1 } });

      expect(await handler()(testId, stopped(), { exclusive: true, claimed: claim })).toEqual({
        kind: 'handed-back',
      });
      expect(await view(testId)).toMatchObject({ status: 'queued', attempts: 0 });
      // A job it would start itself is left exactly as it was: it never even looked started.
      if (!claimed) expect(await view(testId)).toEqual(untouched);
      expect(engineRuns).toBe(before);
      // The local bus delivers on a later tick: give it one, then nothing may have said "started".
      await waitFor(() => new Promise((r) => setImmediate(() => r(true))), 1000, 'a tick');
      expect(events.filter((e) => e.payload.testId === testId)).toEqual([]);
    },
  );
});
