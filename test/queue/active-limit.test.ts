import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerUser, type TestUser } from '../support/app.ts';
import { buildQueueApp, cleanRedis, QUEUE_MODES, queueEnv } from './support/queue-app.ts';

/** What the API tells a client at the per-user active-tests limit: come back in 5 s. */
const RETRY_AFTER = '5';

describe.each(QUEUE_MODES)('per-user active-tests limit ($name)', ({ driver, database }) => {
  const env = queueEnv(driver, { QUEUE_MAX_ACTIVE_PER_USER: '2' });
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let user: TestUser;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    // No worker: submitted tests stay queued, so they count against the limit until cancelled.
    app = await buildQueueApp(env, db.config, { worker: false });
    await registerUser(app); // the first account is the admin; the limit is about an ordinary user
    user = await registerUser(app);
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
    await cleanRedis(env);
  });

  const submit = (path: string) =>
    app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: user.auth,
      payload: { type: 'sleep', url: `http://127.0.0.1:9/${path}`, options: { ms: 5 } },
    });
  const action = (testId: string, what: 'cancel' | 'retry') =>
    app.inject({ method: 'POST', url: `/api/queue/jobs/${testId}/${what}`, headers: user.auth });
  const idOf = (res: { json<T>(): T }) => res.json<{ testId: string }>().testId;

  function expectLimited(res: Awaited<ReturnType<typeof submit>>): void {
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBe(RETRY_AFTER);
    expect(res.json()).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED' });
  }

  it('answers a submission and a retry over the limit with 429 and Retry-After: 5, and lets them through once a slot frees', async () => {
    const first = await submit('a');
    const second = await submit('b');
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    expectLimited(await submit('c'));

    // A cancelled test frees its slot, which a new submission takes; retrying the cancelled one is over the limit.
    expect((await action(idOf(first), 'cancel')).statusCode).toBe(200);
    expect((await submit('d')).statusCode).toBe(202);
    expectLimited(await action(idOf(first), 'retry'));
    expect(
      (await app.inject({ method: 'GET', url: `/api/tests/${idOf(first)}`, headers: user.auth })).json(),
    ).toMatchObject({ status: 'cancelled', retryCount: 0 });

    expect((await action(idOf(second), 'cancel')).statusCode).toBe(200);
    const retried = await action(idOf(first), 'retry');
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'queued', retryCount: 1 });
  });
});
