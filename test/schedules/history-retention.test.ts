import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import {
  api,
  buildScheduleApp,
  queueEnv,
  testClock,
  ticksOf,
  waitFor,
  type ScheduleJson,
} from './support/schedule-app.ts';
import { seriesValues } from './support/series-engine.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface HistoryJson {
  bucketMs: number;
  points: Array<{ at: string; min: number; avg: number; max: number; count: number }>;
  latest: { testId: string; passed: boolean; metrics: Record<string, number> } | null;
}

describe.each(TEST_DATABASES)('history, summary and retention of a schedule ($name)', (database) => {
  const clock = testClock();
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let user: TestUser;
  let scheduleId: string;
  let plainTestId: string;
  /** Test ids of the schedule's runs, oldest first, with their values 10 … 60 (60 fails). */
  const runs: string[] = [];

  /** The time the known data is placed around (the clock when the suite began). */
  let ref = 0;
  /** Places a run's completion (and its result) `agoMs` before `ref`: the known data. */
  async function age(testId: string, agoMs: number): Promise<void> {
    const at = new Date(ref - agoMs).toISOString();
    await sql`UPDATE test_queue SET completed_at = ${at}::timestamptz WHERE test_id = ${testId}`.execute(
      app.database.db,
    );
    await sql`UPDATE test_results SET created_at = ${at}::timestamptz WHERE test_id = ${testId}`.execute(
      app.database.db,
    );
  }
  const result = async (testId: string) =>
    (
      await app.inject({
        method: 'GET',
        url: `/api/tests/${testId}/result`,
        headers: { ...user.auth, 'cache-control': 'no-cache' },
      })
    ).json<{ metrics: Record<string, number>; details: Record<string, unknown> }>();
  const completed = (testId: string) =>
    waitFor(
      async () =>
        (await api(app, user).get(`/api/tests/${testId}`)).json<{ status: string }>().status === 'completed',
      15_000,
      `test ${testId} completed`,
    );

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildScheduleApp(queueEnv('embedded'), db.config, { clock });
    await registerUser(app);
    user = await registerUser(app);
    ref = clock.now();
    const target = `http://127.0.0.1:9/history-${database.name}`;
    seriesValues.set(target, [10, 20, 30, 40, 50, 60]);
    const s = await api(app, user).post('/api/schedules', {
      name: 'history',
      type: 'series',
      url: target,
      options: { failAbove: 55 },
      interval: '7d',
      enabled: false,
    });
    scheduleId = s.json<ScheduleJson>().id;
    for (let i = 0; i < 6; i++) {
      const run = await api(app, user).post(`/api/schedules/${scheduleId}/run-now`);
      runs.push(run.json<{ testId: string }>().testId);
      await completed(runs[i]!);
    }
    const plain = await api(app, user).post('/api/tests', { type: 'series', url: `${target}/plain` });
    plainTestId = plain.json<{ testId: string }>().testId;
    await completed(plainTestId);
    const agos = [20 * DAY, 20 * DAY, 3 * DAY, 3 * DAY, 2 * HOUR, HOUR];
    for (let i = 0; i < 6; i++) await age(runs[i]!, agos[i]!);
    await age(plainTestId, 40 * DAY);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('gives a metric series in time buckets with min/avg/max, and the latest result', async () => {
    const from = new Date(ref - 30 * DAY).toISOString();
    const to = new Date(ref).toISOString();
    const res = await api(app, user).get(
      `/api/schedules/${scheduleId}/history?metric=latency_p95_ms&from=${from}&to=${to}&points=30`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json<HistoryJson>();
    expect(h.bucketMs).toBe(DAY);
    const at = (k: number) => new Date(Date.parse(from) + k * DAY).toISOString();
    expect(h.points).toEqual([
      { at: at(10), min: 10, avg: 15, max: 20, count: 2 },
      { at: at(27), min: 30, avg: 35, max: 40, count: 2 },
      { at: at(29), min: 50, avg: 55, max: 60, count: 2 },
    ]);
    expect(h.latest).toMatchObject({ testId: runs[5], passed: false, metrics: { latency_p95_ms: 60 } });

    // However many runs, at most `points` buckets; the default range is the last 7 days.
    const one = (
      await api(app, user).get(
        `/api/schedules/${scheduleId}/history?metric=latency_p95_ms&from=${from}&to=${to}&points=1`,
      )
    ).json<HistoryJson>();
    expect(one.points).toEqual([{ at: from, min: 10, avg: 35, max: 60, count: 6 }]);
    const week = (
      await api(app, user).get(`/api/schedules/${scheduleId}/history?metric=latency_p95_ms`)
    ).json<HistoryJson>();
    expect(week.points.reduce((n, p) => n + p.count, 0)).toBe(4);
    const none = (
      await api(app, user).get(`/api/schedules/${scheduleId}/history?metric=no_such_metric`)
    ).json<HistoryJson>();
    expect(none.points).toEqual([]);

    const bad = async (query: string, field: string) => {
      const r = await api(app, user).get(`/api/schedules/${scheduleId}/history?${query}`);
      expect(r.statusCode, query).toBe(400);
      expect(r.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field)).toContain(field);
    };
    await bad('metric=latency_p95_ms&points=501', '/querystring/points');
    await bad(`metric=latency_p95_ms&from=${to}&to=${from}`, '/querystring/from');
    await bad('metric=a%20b', '/querystring/metric');
    await bad('', '/querystring/metric');
  });

  it('sums runs, passes, failures and the success rate over 24 h, 7 d and 30 d, with the last failure', async () => {
    const res = await api(app, user).get(`/api/schedules/${scheduleId}/summary`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      scheduleId,
      last24h: { runs: 2, passed: 1, failed: 1, successRate: 0.5, skipped: 0 },
      last7d: { runs: 4, passed: 3, failed: 1, successRate: 0.75, skipped: 0 },
      last30d: { runs: 6, passed: 5, failed: 1, successRate: 5 / 6, skipped: 0 },
      lastFailure: {
        testId: runs[5],
        at: new Date(
          Date.parse(
            (await api(app, user).get(`/api/tests/${runs[5]}`)).json<{ completedAt: string }>().completedAt,
          ),
        ).toISOString(),
        reason: 'latency 60 ms over the threshold',
      },
    });
  });

  it('drops the details of scheduled results older than RESULT_RETENTION at night, keeping their metrics', async () => {
    for (const id of runs) expect((await result(id)).details).toMatchObject({ measured: expect.any(Number) });
    await age(runs[0]!, 40 * DAY);
    await age(runs[1]!, 31 * DAY);

    // The next night comes (03:00 UTC within the next 24 hours).
    clock.offsetMs += 25 * HOUR;
    await waitFor(
      async () => Object.keys((await result(runs[1]!)).details).length === 0,
      15_000,
      'the night’s retention',
    );
    for (const id of runs.slice(0, 2)) {
      const r = await result(id);
      expect(r.details).toEqual({});
      expect(r.metrics.latency_p95_ms).toBeGreaterThan(0);
    }
    // Younger runs, and a test no schedule submitted, keep theirs.
    for (const id of runs.slice(2))
      expect((await result(id)).details).toMatchObject({ measured: expect.any(Number) });
    expect((await result(plainTestId)).details).toMatchObject({ measured: expect.any(Number) });
    // History still has the pruned runs' points.
    const from = new Date(clock.now() - 45 * DAY).toISOString();
    const h = (
      await api(app, user).get(`/api/schedules/${scheduleId}/history?metric=latency_p95_ms&from=${from}`)
    ).json<HistoryJson>();
    expect(h.points.reduce((n, p) => n + p.count, 0)).toBe(6);

    // A month later every run is old, and so are the ticks, which are deleted.
    expect(await ticksOf(app, user, scheduleId)).toHaveLength(6);
    clock.offsetMs += 31 * DAY;
    await waitFor(
      async () => (await ticksOf(app, user, scheduleId)).length === 0,
      15_000,
      'old ticks deleted',
    );
    for (const id of runs) expect((await result(id)).details).toEqual({});
    expect((await result(plainTestId)).details).toMatchObject({ measured: expect.any(Number) });
  });
});
