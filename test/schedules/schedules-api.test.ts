import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cron } from 'croner';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import {
  api,
  buildScheduleApp,
  testClock,
  testsOf,
  type Reply,
  type ScheduleJson,
} from './support/schedule-app.ts';

const url = (path: string) => `http://127.0.0.1:9/${path}`;
const body = (extra: Record<string, unknown> = {}) => ({
  name: 'homepage',
  type: 'series',
  url: url('home'),
  interval: '5m',
  ...extra,
});

function expectField(res: Reply, field: string, message?: RegExp): void {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toContain('application/problem+json');
  const errors = res.json<{ errors: Array<{ field: string; message: string }> }>().errors;
  expect(errors.map((e) => e.field)).toContain(field);
  if (message) expect(errors.find((e) => e.field === field)!.message).toMatch(message);
}

describe.each(TEST_DATABASES)('/api/schedules ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  const clock = testClock();

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    // No worker: ticks are not submitted here, and a run-now's test stays queued.
    app = await buildScheduleApp({ SCHEDULE_MAX_PER_USER: '3', SCHEDULE_MIN_INTERVAL: '30s' }, db.config, {
      worker: false,
      clock,
    });
    admin = await registerUser(app); // the first account is admin
    alice = await registerUser(app);
    bob = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('creates, reads, lists, replaces and deletes a schedule of its owner', async () => {
    const created = await api(app, alice).post(
      '/api/schedules',
      body({ tags: ['prod', 'web'], priority: 3 }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const s = created.json<ScheduleJson & Record<string, unknown>>();
    expect(s).toMatchObject({
      name: 'homepage',
      type: 'series',
      url: url('home'),
      options: { failAbove: 1_000_000 }, // the engine's defaults, as POST /api/tests applies them
      priority: 3,
      interval: '5m',
      cron: null,
      enabled: true,
      tags: ['prod', 'web'],
      userId: alice.id,
      counters: { runs: 0, skippedOverlap: 0, skippedLimit: 0, skippedQuota: 0, rejected: 0 },
    });
    // An interval schedule's first tick is at once; the grid follows from there.
    expect(Math.abs(Date.parse(s.nextRunAt!) - clock.now())).toBeLessThan(5000);

    expect((await api(app, alice).get(`/api/schedules/${s.id}`)).json()).toMatchObject({ id: s.id });
    const list = await api(app, alice).get('/api/schedules?tag=prod');
    expect(list.json<{ items: ScheduleJson[] }>().items.map((i) => i.id)).toEqual([s.id]);
    expect((await api(app, alice).get('/api/schedules?tag=staging')).json()).toMatchObject({ items: [] });

    const replaced = await api(app, alice).put(
      `/api/schedules/${s.id}`,
      body({ name: 'home, hourly', interval: '1h' }),
    );
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({
      name: 'home, hourly',
      interval: '1h',
      tags: [],
      priority: 0,
      enabled: true,
    });

    expect((await api(app, alice).delete(`/api/schedules/${s.id}`)).statusCode).toBe(204);
    expect((await api(app, alice).get(`/api/schedules/${s.id}`)).statusCode).toBe(404);
  });

  it("answers 404 for another user's schedule on every route, and lets an admin see and change it", async () => {
    const id = (
      await api(app, alice).post('/api/schedules', body({ name: 'alice only' }))
    ).json<ScheduleJson>().id;
    const paths: Array<['GET' | 'POST' | 'PUT' | 'DELETE', string]> = [
      ['GET', ''],
      ['PUT', ''],
      ['POST', '/pause'],
      ['POST', '/resume'],
      ['POST', '/run-now'],
      ['GET', '/runs'],
      ['GET', '/history?metric=latency_p95_ms'],
      ['GET', '/summary'],
      ['DELETE', ''],
    ];
    for (const [method, path] of paths) {
      const res = await app.inject({
        method,
        url: `/api/schedules/${id}${path}`,
        headers: bob.auth,
        ...(method === 'PUT' ? { payload: body() } : {}),
      });
      expect(res.statusCode, `${method} ${path}`).toBe(404);
    }
    expect((await api(app, bob).get('/api/schedules')).json<{ items: ScheduleJson[] }>().items).toEqual([]);

    const all = (await api(app, admin).get('/api/schedules?limit=100')).json<{ items: ScheduleJson[] }>()
      .items;
    expect(all.map((i) => i.id)).toContain(id);
    expect((await api(app, admin).post(`/api/schedules/${id}/pause`)).json()).toMatchObject({
      enabled: false,
    });
    expect((await api(app, alice).get(`/api/schedules/${id}`)).json()).toMatchObject({ enabled: false });
    expect((await api(app, admin).delete(`/api/schedules/${id}`)).statusCode).toBe(204);
  });

  it('answers 400 naming the field for bad timing, and for a test POST /api/tests would refuse', async () => {
    const post = (extra: Record<string, unknown>) => api(app, alice).post('/api/schedules', body(extra));
    expectField(
      await post({ interval: '10s' }),
      '/body/interval',
      /between 30s \(SCHEDULE_MIN_INTERVAL\) and 7d/,
    );
    expectField(await post({ interval: '8d' }), '/body/interval', /and 7d/);
    expectField(await post({ interval: 'every minute' }), '/body/interval', /"30s"/);
    expectField(await post({ interval: undefined }), '/body/interval', /required when there is no cron/);
    expectField(await post({ cron: '*/5 * * * *' }), '/body/cron', /not both/);
    // The parser's own message.
    expectField(
      await post({ interval: undefined, cron: '61 * * * *' }),
      '/body/cron',
      /Invalid value for minute: 61/,
    );
    expectField(
      await post({ interval: undefined, cron: 'bogus' }),
      '/body/cron',
      /exactly five, six, or seven/,
    );
    expectField(
      await post({ interval: undefined, cron: '*/10 * * * * *' }),
      '/body/cron',
      /more often than every 30s/,
    );
    expectField(await post({ interval: undefined, cron: '0 0 31 2 *' }), '/body/cron', /never fires/);
    expectField(
      await post({ interval: undefined, cron: '0 3 * * *', timezone: 'Mars/Olympus' }),
      '/body/timezone',
      /Mars\/Olympus/,
    );
    expectField(await post({ timezone: 'UTC' }), '/body/timezone', /cron only/);
    // The engine registry's checks, worded as for POST /api/tests.
    const test = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: alice.auth,
      payload: { type: 'series', url: url('x'), options: { failAbove: 'yes' } },
    });
    expectField(test, '/body/options/failAbove');
    expectField(
      await post({ options: { failAbove: 'yes' } }),
      '/body/options/failAbove',
      new RegExp(test.json<{ errors: Array<{ message: string }> }>().errors[0]!.message),
    );
    expectField(await post({ options: { nope: 1 } }), '/body/options/nope', /not a known option/);
    expectField(await post({ type: 'nosuch' }), '/body/type', /must be one of/);
    expectField(await post({ url: 'ftp://example.test/' }), '/body/url');
    expectField(await post({ name: '  ' }), '/body/name');
    expectField(await post({ priority: 11 }), '/body/priority');
    expectField(await post({ extra: true }), '/body/extra');
    expect((await api(app, alice).get('/api/schedules/not-a-uuid')).statusCode).toBe(400);
  });

  it('computes cron ticks in the time zone, and refuses more than SCHEDULE_MAX_PER_USER schedules with 409', async () => {
    const res = await api(app, bob).post(
      '/api/schedules',
      body({ interval: undefined, cron: '0 3 * * *', timezone: 'America/New_York' }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const expected = new Cron('0 3 * * *', { timezone: 'America/New_York', paused: true }).nextRun(
      new Date(clock.now()),
    )!;
    expect(res.json()).toMatchObject({
      cron: '0 3 * * *',
      timezone: 'America/New_York',
      interval: null,
      nextRunAt: expected.toISOString(),
    });
    // 03:00 in New York is 07:00 or 08:00 UTC, whatever the season.
    expect([7, 8]).toContain(expected.getUTCHours());

    expect((await api(app, bob).post('/api/schedules', body())).statusCode).toBe(201);
    expect((await api(app, bob).post('/api/schedules', body({ enabled: false }))).statusCode).toBe(201);
    const over = await api(app, bob).post('/api/schedules', body());
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ code: 'ERR_LIMIT_REACHED' });
  });

  it('pauses (no next tick) and resumes on the grid, without a run for the paused time', async () => {
    const s = (await api(app, alice).post('/api/schedules', body({ interval: '1m' }))).json<ScheduleJson>();
    const anchor = Date.parse(s.nextRunAt!);
    const paused = (await api(app, alice).post(`/api/schedules/${s.id}/pause`)).json<ScheduleJson>();
    expect(paused).toMatchObject({ enabled: false, nextRunAt: null });
    expect(
      (await api(app, alice).get('/api/schedules?enabled=false'))
        .json<{ items: ScheduleJson[] }>()
        .items.map((i) => i.id),
    ).toContain(s.id);

    clock.offsetMs += 150_000; // two and a half minutes later
    const resumed = (await api(app, alice).post(`/api/schedules/${s.id}/resume`)).json<ScheduleJson>();
    expect(resumed.enabled).toBe(true);
    expect(Date.parse(resumed.nextRunAt!)).toBe(anchor + 3 * 60_000);
    await api(app, alice).delete(`/api/schedules/${s.id}`);
  });

  it('runs now as an ordinary test with scheduleId, and answers 409 while that run is still queued', async () => {
    const s = (await api(app, alice).post('/api/schedules', body({ name: 'manual' }))).json<ScheduleJson>();
    const run = await api(app, alice).post(`/api/schedules/${s.id}/run-now`);
    expect(run.statusCode, run.body).toBe(202);
    const { testId } = run.json<{ testId: string }>();
    expect((await api(app, alice).get(`/api/tests/${testId}`)).json()).toMatchObject({
      testId,
      type: 'series',
      url: url('home'),
      status: 'queued',
      scheduleId: s.id,
    });
    const again = await api(app, alice).post(`/api/schedules/${s.id}/run-now`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'ERR_RUN_ACTIVE' });

    // ?scheduleId= lists the schedule's runs only, and is its own cache entry beside the unfiltered list.
    const plain = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: alice.auth,
      payload: { type: 'series', url: url('plain') },
    });
    expect((await testsOf(app, alice, s.id)).map((t) => t.testId)).toEqual([testId]);
    const everything = (await api(app, alice).get('/api/tests?limit=100')).json<{
      items: Array<{ testId: string; scheduleId: string | null }>;
    }>().items;
    expect(
      everything.find((t) => t.testId === plain.json<{ testId: string }>().testId)?.scheduleId,
    ).toBeNull();
    expect(everything.find((t) => t.testId === testId)?.scheduleId).toBe(s.id);
    expect(await testsOf(app, bob, s.id)).toEqual([]);
    expect((await api(app, alice).get(`/api/schedules/${s.id}/runs`)).json()).toMatchObject({
      items: [{ kind: 'manual', outcome: 'queued', testId }],
    });
    expect((await api(app, alice).get(`/api/schedules/${s.id}`)).json()).toMatchObject({
      counters: { runs: 1 },
    });
  });
});
