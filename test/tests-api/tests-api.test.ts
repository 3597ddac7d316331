import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { buildQueueApp, cleanRedis, QUEUE_MODES, queueEnv, waitFor } from '../queue/support/queue-app.ts';

interface TestView {
  testId: string;
  status: string;
  progress: number;
  priority: number;
  retryCount: number;
  attempts: number;
  error: string | null;
  createdAt: string;
}

describe.each(QUEUE_MODES)('tests API ($name)', ({ driver, database }) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  const env = queueEnv(driver, { QUEUE_MAX_ACTIVE_PER_USER: '3' });

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildQueueApp(env, db.config);
    admin = await registerUser(app);
    alice = await registerUser(app);
    bob = await registerUser(app);
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
    await cleanRedis(env);
  });

  const submit = (user: TestUser, payload: object) =>
    app.inject({ method: 'POST', url: '/api/tests', headers: user.auth, payload });
  const get = (user: TestUser, url: string) => app.inject({ method: 'GET', url, headers: user.auth });
  const finished = (user: TestUser, testId: string) =>
    waitFor(
      async () => {
        const view = get(user, `/api/tests/${testId}`).then((r) => r.json<TestView>());
        const v = await view;
        return ['completed', 'failed', 'cancelled'].includes(v.status) ? v : undefined;
      },
      15_000,
      `test ${testId} to finish`,
    );

  it('queues a test with 202, runs it and serves its status and result', async () => {
    const res = await submit(alice, {
      type: 'sleep',
      url: 'http://127.0.0.1:9/a',
      options: { ms: 60, tickMs: 20 },
      priority: 4,
    });
    expect(res.statusCode).toBe(202);
    const { testId, status } = res.json<{ testId: string; status: string }>();
    expect(status).toBe('queued');
    const view = await finished(alice, testId);
    expect(view).toMatchObject({
      testId,
      status: 'completed',
      progress: 100,
      priority: 4,
      retryCount: 0,
      attempts: 1,
      error: null,
    });
    const result = await get(alice, `/api/tests/${testId}/result`);
    expect(result.statusCode).toBe(200);
    expect(result.json()).toMatchObject({
      testId,
      type: 'sleep',
      url: 'http://127.0.0.1:9/a',
      passed: true,
      score: 100,
      summary: 'slept 60 ms',
      metrics: { slept_ms: 60, ticks: 3 },
    });
  });

  it('answers 404 for the result until the test completed', async () => {
    const { testId } = (
      await submit(alice, { type: 'sleep', url: 'http://127.0.0.1:9/b', options: { ms: 600 } })
    ).json<{ testId: string }>();
    const early = await get(alice, `/api/tests/${testId}/result`);
    expect(early.statusCode).toBe(404);
    expect(early.headers['content-type']).toContain('application/problem+json');
    await finished(alice, testId);
    expect((await get(alice, `/api/tests/${testId}/result`)).statusCode).toBe(200);
  });

  it("returns 404 for another user's test on every route, and admins see it", async () => {
    const { testId } = (
      await submit(alice, { type: 'sleep', url: 'http://127.0.0.1:9/c', options: { ms: 10 } })
    ).json<{ testId: string }>();
    await finished(alice, testId);
    for (const url of [`/api/tests/${testId}`, `/api/tests/${testId}/result`]) {
      const res = await get(bob, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('127.0.0.1:9/c');
    }
    for (const action of ['cancel', 'retry']) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/queue/jobs/${testId}/${action}`,
        headers: bob.auth,
      });
      expect(res.statusCode, action).toBe(404);
    }
    const bobsList = (await get(bob, '/api/tests')).json<{ items: TestView[] }>();
    expect(bobsList.items.map((t) => t.testId)).not.toContain(testId);
    const bobsJobs = (await get(bob, '/api/queue/jobs')).json<{ items: TestView[] }>();
    expect(bobsJobs.items.map((t) => t.testId)).not.toContain(testId);
    expect((await get(admin, `/api/tests/${testId}`)).statusCode).toBe(200);
    expect((await get(admin, `/api/tests/${testId}/result`)).statusCode).toBe(200);
  });

  it.each([
    [{ type: 'no-such-engine', url: 'http://127.0.0.1:9/' }, '/body/type'],
    [{ type: 'sleep', url: 'not a url' }, '/body/url'],
    [{ type: 'sleep', url: 'ftp://127.0.0.1/x' }, '/body/url'],
    [{ type: 'sleep', url: 'http://127.0.0.1:9/', options: { ms: 'long' } }, '/body/options/ms'],
    [{ type: 'sleep', url: 'http://127.0.0.1:9/', options: { nope: 1 } }, '/body/options/nope'],
    [{ type: 'sleep', url: 'http://127.0.0.1:9/', priority: 11 }, '/body/priority'],
    [{ type: 'sleep', url: 'http://127.0.0.1:9/', extra: true }, '/body/extra'],
    [{ url: 'http://127.0.0.1:9/' }, '/body/type'],
  ])('rejects %j with 400 naming %s', async (payload, field) => {
    const res = await submit(alice, payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field)).toContain(field);
  });

  it.each([
    ['/api/tests/not-a-uuid', '/params/testId'],
    ['/api/tests?limit=101', '/querystring/limit'],
    ['/api/tests?status=bogus', '/querystring/status'],
    ['/api/tests?cursor=garbage', '/querystring/cursor'],
    ['/api/queue/jobs?limit=0', '/querystring/limit'],
  ])('rejects GET %s with 400 naming %s', async (url, field) => {
    const res = await get(alice, url);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field)).toContain(field);
  });

  it('needs a bearer token', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/tests' })).statusCode).toBe(401);
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/tests',
          payload: { type: 'sleep', url: 'http://127.0.0.1:9/' },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('limits queued + running tests per user with 429', async () => {
    const carol = await registerUser(app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await submit(carol, {
        type: 'sleep',
        url: `http://127.0.0.1:9/limit${i}`,
        options: { ms: 3000 },
      });
      expect(res.statusCode).toBe(202);
      ids.push(res.json<{ testId: string }>().testId);
    }
    const over = await submit(carol, { type: 'sleep', url: 'http://127.0.0.1:9/limit-over' });
    expect(over.statusCode).toBe(429);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(over.headers['retry-after']).toBeDefined();
    // Other users are not affected by carol's limit.
    expect(
      (await submit(bob, { type: 'sleep', url: 'http://127.0.0.1:9/bob', options: { ms: 10 } })).statusCode,
    ).toBe(202);
    for (const id of ids)
      await app.inject({ method: 'POST', url: `/api/queue/jobs/${id}/cancel`, headers: carol.auth });
    expect(
      (await submit(carol, { type: 'sleep', url: 'http://127.0.0.1:9/limit-after', options: { ms: 10 } }))
        .statusCode,
    ).toBe(202);
  });

  it('lists own tests newest first with cursor pagination and filters', async () => {
    const dave = await registerUser(app);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await submit(dave, { type: 'sleep', url: `http://127.0.0.1:9/p${i}`, options: { ms: 5 } })).json<{
          testId: string;
        }>().testId,
      );
    for (const id of ids) await finished(dave, id);
    ids.push(
      (await submit(dave, { type: 'fatal', url: 'http://127.0.0.1:9/p-fatal' })).json<{ testId: string }>()
        .testId,
    );
    await finished(dave, ids[3]!);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: TestView[]; nextCursor: string | null } = (
        await get(dave, `/api/tests?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((t) => t.testId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const failed = (await get(dave, '/api/tests?status=failed')).json<{ items: TestView[] }>();
    expect(failed.items.map((t) => t.testId)).toEqual([ids[3]]);
    const sleeps = (await get(dave, '/api/tests?type=sleep')).json<{ items: TestView[] }>();
    expect(sleeps.items).toHaveLength(3);
    const allForAdmin = (await get(admin, '/api/tests?limit=100')).json<{ items: TestView[] }>();
    expect(allForAdmin.items.map((t) => t.testId)).toEqual(expect.arrayContaining(ids));
  });
});

describe('tests API on a server that refuses private targets', () => {
  it('answers 400 naming /body/url for loopback, private and metadata addresses, and stores nothing', async () => {
    const app = await buildTestApp({ ALLOW_PRIVATE_TARGETS: 'false' });
    try {
      const user = await registerUser(app);
      for (const url of [
        'http://127.0.0.1:8080/',
        'http://[::1]/',
        'http://10.0.0.5/',
        'http://169.254.169.254/latest/meta-data/',
      ]) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/tests',
          headers: user.auth,
          payload: { type: 'api', url, options: { assertions: [] } },
        });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().errors[0].field).toBe('/body/url');
      }
      const list = await app.inject({ url: '/api/tests', headers: user.auth });
      expect(list.json().items).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
