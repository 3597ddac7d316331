import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerUser, type TestUser } from '../support/app.ts';
import {
  buildQueueApp,
  cleanRedis,
  QUEUE_MODES,
  queueEnv,
  recordEvents,
  waitFor,
} from './support/queue-app.ts';
import { expectToHold } from './support/quiet.ts';
import { flakyRuns } from './support/test-engines.ts';

interface TestView {
  testId: string;
  status: string;
  priority: number;
  retryCount: number;
  attempts: number;
  error: string | null;
  startedAt: string | null;
}

const FINAL = ['completed', 'failed', 'cancelled'];
/** QUEUE_BACKOFF of the behaviour suite: short enough that a retry left to the embedded driver's 1 s idle poll shows. */
const BACKOFF_MS = 100;
const BACKOFF_SLACK_MS = 300;
/** How long "no retry follows" is watched: well past 5× the first backoff and the embedded 1 s idle poll. */
const NO_RETRY_WINDOW_MS = 1500;

function client(app: FastifyInstance, user: TestUser) {
  const get = async (testId: string) =>
    (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })).json<TestView>();
  return {
    get,
    async submit(payload: object): Promise<string> {
      const res = await app.inject({ method: 'POST', url: '/api/tests', headers: user.auth, payload });
      if (res.statusCode !== 202) throw new Error(`submit: ${res.statusCode} ${res.body}`);
      return res.json<{ testId: string }>().testId;
    },
    action: (testId: string, action: 'cancel' | 'retry') =>
      app.inject({ method: 'POST', url: `/api/queue/jobs/${testId}/${action}`, headers: user.auth }),
    until: (testId: string, statuses: string[], timeoutMs = 15_000) =>
      waitFor(
        async () => {
          const v = await get(testId);
          return statuses.includes(v.status) ? v : undefined;
        },
        timeoutMs,
        `${testId} to be ${statuses.join('/')}`,
      ),
  };
}

describe.each(QUEUE_MODES)('queue behaviour ($name)', ({ driver, database }) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let user: TestUser;
  let api: ReturnType<typeof client>;
  let events: ReturnType<typeof recordEvents>;
  const env = queueEnv(driver, { QUEUE_BACKOFF: `${BACKOFF_MS}ms` });

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildQueueApp(env, db.config);
    user = await registerUser(app);
    api = client(app, user);
    events = recordEvents(app, [
      'TestQueued',
      'TestStarted',
      'TestProgress',
      'TestCompleted',
      'TestFailed',
      'TestCancelled',
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
    await cleanRedis(env);
  });

  const eventsOf = (testId: string, name?: string) =>
    events.filter((e) => e.payload.testId === testId && (!name || e.name === name));

  it('retries a failing test with exponential backoff until it passes', async () => {
    const url = `http://127.0.0.1:9/flaky-2/${env.QUEUE_PREFIX}`;
    const testId = await api.submit({ type: 'flaky', url, options: { failTimes: 2 } });
    const view = await api.until(testId, FINAL);
    expect(view).toMatchObject({ status: 'completed', attempts: 3, retryCount: 0, error: null });
    const failed = eventsOf(testId, 'TestFailed').map((e) => (e.payload as { willRetry: boolean }).willRetry);
    expect(failed).toEqual([true, true]);
    expect(eventsOf(testId, 'TestCompleted')).toHaveLength(1);
    // When the target was hit: attempt 2 at least b after attempt 1 failed, attempt 3 at least 2b after
    // attempt 2 (2 ms for clock rounding); and not much later (5× plus room for a busy machine).
    const runs = flakyRuns.get(url)!;
    expect(runs).toHaveLength(3);
    const gaps = [runs[1]! - runs[0]!, runs[2]! - runs[1]!];
    expect(gaps[0]).toBeGreaterThanOrEqual(BACKOFF_MS - 2);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * BACKOFF_MS - 2);
    expect(gaps[0]).toBeLessThanOrEqual(5 * BACKOFF_MS + BACKOFF_SLACK_MS);
    expect(gaps[1]).toBeLessThanOrEqual(5 * 2 * BACKOFF_MS + BACKOFF_SLACK_MS);
  });

  it('fails a test after the configured attempts', async () => {
    const testId = await api.submit({
      type: 'flaky',
      url: `http://127.0.0.1:9/flaky-5/${env.QUEUE_PREFIX}`,
      options: { failTimes: 5 },
    });
    const view = await api.until(testId, FINAL);
    expect(view).toMatchObject({ status: 'failed', attempts: 3, error: 'flaky failure 3 of 5' });
    expect(
      eventsOf(testId, 'TestFailed').map((e) => (e.payload as { willRetry: boolean }).willRetry),
    ).toEqual([true, true, false]);
  });

  it.each([
    ["an engine's NonRetryableError", { type: 'fatal' }, 'the target refused the test'],
    [
      'a 4xx AppError on the engine path',
      { type: 'app-error', options: { status: 400 } },
      'the engine path refused its input (400)',
    ],
  ])('fails %s at once, with no retry', async (_what, payload, error) => {
    const testId = await api.submit({ ...payload, url: `http://127.0.0.1:9/no-retry/${payload.type}` });
    const view = await api.until(testId, FINAL);
    expect(view).toMatchObject({ status: 'failed', attempts: 1, error });
    await waitFor(async () => eventsOf(testId, 'TestFailed').length === 1, 2000, 'TestFailed');
    expect(
      eventsOf(testId, 'TestFailed').map((e) => (e.payload as { willRetry: boolean }).willRetry),
    ).toEqual([false]);
    // Long past the first backoff (and the embedded driver's 1 s idle poll): no second run may start.
    await expectToHold(
      async () => eventsOf(testId, 'TestStarted').length === 1 && (await api.get(testId)).attempts === 1,
      NO_RETRY_WINDOW_MS,
      'one run only',
    );
    expect(await api.get(testId)).toMatchObject({ status: 'failed', attempts: 1, error });
  });

  it('retries a 5xx AppError on the engine path, up to the configured attempts', async () => {
    const testId = await api.submit({
      type: 'app-error',
      url: 'http://127.0.0.1:9/retry-503',
      options: { status: 503 },
    });
    expect(await api.until(testId, FINAL)).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'a dependency was unavailable (503)',
    });
    await waitFor(async () => eventsOf(testId, 'TestFailed').length === 3, 2000, 'three TestFailed');
    expect(
      eventsOf(testId, 'TestFailed').map((e) => (e.payload as { willRetry: boolean }).willRetry),
    ).toEqual([true, true, false]);
  });

  it('cancels a running test: the engine stops within 2 s, no result, no retry', async () => {
    const testId = await api.submit({ type: 'hang', url: 'http://127.0.0.1:9/hang' });
    await api.until(testId, ['running']);
    await waitFor(async () => app.testQueue.worker!.running().includes(testId), 5000, 'the worker to run it');
    const started = Date.now();
    const res = await api.action(testId, 'cancel');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ testId, status: 'cancelled' });
    await waitFor(async () => !app.testQueue.worker!.running().includes(testId), 2000, 'the engine to stop');
    expect(Date.now() - started).toBeLessThan(2000);
    // Past the first backoff and the embedded poll: still cancelled, never retried.
    await expectToHold(
      async () =>
        (await api.get(testId)).status === 'cancelled' && eventsOf(testId, 'TestStarted').length === 1,
      NO_RETRY_WINDOW_MS,
      'cancelled, one run',
    );
    expect(await api.get(testId)).toMatchObject({ status: 'cancelled', attempts: 1 });
    expect(
      (await app.inject({ method: 'GET', url: `/api/tests/${testId}/result`, headers: user.auth }))
        .statusCode,
    ).toBe(404);
    expect(eventsOf(testId, 'TestCancelled')).toHaveLength(1);
    expect(eventsOf(testId, 'TestFailed')).toHaveLength(0);
    expect((await api.action(testId, 'cancel')).statusCode).toBe(409);
  });

  it('cancels a queued test before it runs, and retry runs it again with retry_count + 1', async () => {
    // Two hanging tests fill both worker slots, so the third waits in the queue.
    const blockers = [
      await api.submit({ type: 'hang', url: 'http://127.0.0.1:9/b1' }),
      await api.submit({ type: 'hang', url: 'http://127.0.0.1:9/b2' }),
    ];
    for (const id of blockers) await api.until(id, ['running']);
    const testId = await api.submit({ type: 'sleep', url: 'http://127.0.0.1:9/queued', options: { ms: 10 } });
    expect((await api.action(testId, 'cancel')).statusCode).toBe(200);
    for (const id of blockers) expect((await api.action(id, 'cancel')).statusCode).toBe(200);
    // Both slots are free again: the cancelled test must still not start.
    await waitFor(() => app.testQueue.worker!.running().length === 0, 5000, 'the blockers to stop');
    await expectToHold(
      () => eventsOf(testId, 'TestStarted').length === 0,
      NO_RETRY_WINDOW_MS,
      'the cancelled test not to start',
    );
    expect(await api.get(testId)).toMatchObject({ status: 'cancelled', attempts: 0, startedAt: null });
    expect(eventsOf(testId, 'TestStarted')).toHaveLength(0);

    const retried = await api.action(testId, 'retry');
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'queued', retryCount: 1 });
    expect(await api.until(testId, FINAL)).toMatchObject({ status: 'completed', retryCount: 1, attempts: 1 });
  });

  it('retries a failed test on request, and refuses to retry a completed one', async () => {
    const testId = await api.submit({ type: 'fatal', url: 'http://127.0.0.1:9/fatal-retry' });
    await api.until(testId, ['failed']);
    expect((await api.action(testId, 'retry')).statusCode).toBe(200);
    await waitFor(async () => eventsOf(testId, 'TestStarted').length === 2, 10_000, 'the second run');
    expect(await api.until(testId, ['failed'])).toMatchObject({ retryCount: 1, attempts: 1 });
    const done = await api.submit({ type: 'sleep', url: 'http://127.0.0.1:9/done', options: { ms: 5 } });
    await api.until(done, ['completed']);
    const refused = await api.action(done, 'retry');
    expect(refused.statusCode).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
  });

  it('publishes every progress event that carries live metrics', async () => {
    const testId = await api.submit({
      type: 'sleep',
      url: 'http://127.0.0.1:9/metrics',
      options: { ms: 300, tickMs: 20 },
    });
    await api.until(testId, ['completed']);
    await waitFor(async () => eventsOf(testId, 'TestCompleted').length === 1, 2000, 'TestCompleted');
    const ticks = eventsOf(testId, 'TestProgress').map(
      (e) => (e.payload as { metrics?: { tick: number } }).metrics?.tick,
    );
    expect(ticks).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    const names = eventsOf(testId).map((e) => e.name);
    expect(names[0]).toBe('TestQueued');
    expect(names[1]).toBe('TestStarted');
    expect(names.at(-1)).toBe('TestCompleted');
  });

  it('reports the queue status', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/queue/status', headers: user.auth });
    expect(res.statusCode).toBe(200);
    const status = res.json<{
      driver: string;
      tests: Record<string, number>;
      workersOnline: number;
      lastMinute: { completed: number; throughputPerMinute: number; meanRunMs: number | null };
    }>();
    expect(status.driver).toBe(driver);
    expect(status.tests.completed).toBeGreaterThanOrEqual(3);
    expect(status.tests.failed).toBeGreaterThanOrEqual(2);
    expect(status.tests.cancelled).toBeGreaterThanOrEqual(3);
    expect(status.workersOnline).toBeGreaterThanOrEqual(1);
    expect(status.lastMinute.completed).toBeGreaterThanOrEqual(3);
    expect(status.lastMinute.meanRunMs).not.toBeNull();
    const jobs = await app.inject({
      method: 'GET',
      url: '/api/queue/jobs?status=cancelled&limit=2',
      headers: user.auth,
    });
    expect(jobs.statusCode).toBe(200);
    const page = jobs.json<{
      items: Array<{ jobId: string; testId: string; status: string }>;
      nextCursor: string | null;
    }>();
    expect(page.items).toHaveLength(2);
    expect(page.items.every((j) => j.status === 'cancelled' && j.jobId === j.testId)).toBe(true);
    expect(page.nextCursor).not.toBeNull();
  });
});

describe.each(QUEUE_MODES)('priorities ($name)', ({ driver, database }) => {
  const env = queueEnv(driver, { WORKER_CONCURRENCY: '1' });
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

  it('runs higher priorities first, and equal priorities in submission order', async () => {
    const user = await registerUser(app);
    const api = client(app, user);
    const priorities = [0, 5, 10, 0, 5, 10, 3];
    const ids: string[] = [];
    for (const [i, priority] of priorities.entries())
      ids.push(
        await api.submit({ type: 'sleep', url: `http://127.0.0.1:9/p${i}`, options: { ms: 5 }, priority }),
      );
    app.testQueue.startWorker();
    const views: TestView[] = [];
    for (const id of ids) views.push(await api.until(id, ['completed']));
    const order = [...views]
      .sort((a, b) => Date.parse(a.startedAt!) - Date.parse(b.startedAt!))
      .map((v) => ids.indexOf(v.testId));
    expect(order).toEqual([2, 5, 1, 4, 6, 0, 3]);
  });
});
