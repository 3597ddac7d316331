import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerUser, type TestUser } from '../support/app.ts';
import { expectToHold } from './support/quiet.ts';
import {
  buildQueueApp,
  cleanRedis,
  QUEUE_MODES,
  queueEnv,
  recordEvents,
  waitFor,
} from './support/queue-app.ts';
import { hangAborts } from './support/test-engines.ts';

/** QUEUE_JOB_TIMEOUT's smallest value; QUEUE_BACKOFF short, so a wrong retry would show within the window. */
const TIMEOUT_MS = 1000;
const BACKOFF_MS = 100;

interface TestView {
  status: string;
  attempts: number;
  error: string | null;
  startedAt: string | null;
}

describe.each(QUEUE_MODES)('job timeout ($name)', ({ driver, database }) => {
  const env = queueEnv(driver, { QUEUE_JOB_TIMEOUT: `${TIMEOUT_MS}ms`, QUEUE_BACKOFF: `${BACKOFF_MS}ms` });
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let user: TestUser;
  let events: ReturnType<typeof recordEvents>;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildQueueApp(env, db.config);
    user = await registerUser(app);
    events = recordEvents(app, ['TestStarted', 'TestFailed']);
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
    await cleanRedis(env);
  });

  const get = async (testId: string) =>
    (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })).json<TestView>();
  const eventsOf = (testId: string, name: string) =>
    events.filter((e) => e.payload.testId === testId && e.name === name);

  it('aborts the engine of an attempt that runs longer than QUEUE_JOB_TIMEOUT and fails the test without a retry', async () => {
    const url = `http://127.0.0.1:9/timeout/${env.QUEUE_PREFIX}`;
    const res = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: user.auth,
      payload: { type: 'hang', url },
    });
    expect(res.statusCode).toBe(202);
    const { testId } = res.json<{ testId: string }>();

    const failed = await waitFor(
      async () => {
        const v = await get(testId);
        return v.status === 'failed' ? v : undefined;
      },
      15_000,
      'the test to fail on its timeout',
    );
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.error).toBe(`the test ran longer than ${TIMEOUT_MS / 1000} s`);

    // The engine itself saw its signal abort, with the timeout as the reason, about TIMEOUT_MS into the run.
    const abort = hangAborts.get(url);
    expect(abort, 'the engine saw its signal abort').toBeDefined();
    expect(String((abort!.reason as Error).message)).toContain(`longer than ${TIMEOUT_MS / 1000} s`);
    // startedAt is stamped when the attempt is claimed, before its timer starts (5 ms for clock rounding).
    const ranMs = abort!.at - Date.parse(failed.startedAt!);
    expect(ranMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(ranMs).toBeLessThanOrEqual(5 * TIMEOUT_MS);

    await waitFor(async () => eventsOf(testId, 'TestFailed').length === 1, 2000, 'TestFailed');
    expect((eventsOf(testId, 'TestFailed')[0]!.payload as { willRetry: boolean }).willRetry).toBe(false);
    // Well past the backoff and the embedded driver's 1 s poll: no second attempt starts.
    await expectToHold(
      async () => eventsOf(testId, 'TestStarted').length === 1 && (await get(testId)).attempts === 1,
      1500,
      'one attempt only',
    );
    expect(await get(testId)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(
      (await app.inject({ method: 'GET', url: `/api/tests/${testId}/result`, headers: user.auth }))
        .statusCode,
    ).toBe(404);
  });
});
