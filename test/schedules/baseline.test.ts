import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compare, mad, median } from '../../src/modules/schedules/baseline.ts';
import type { EventMap } from '../../src/shared/events/index.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { api, buildScheduleApp, queueEnv, waitFor, type ScheduleJson } from './support/schedule-app.ts';
import { seriesValues } from './support/series-engine.ts';

interface Result {
  passed: boolean;
  metrics: Record<string, number>;
  details: { baseline: { ready: boolean; runs: number; required: number; window: number } };
}

describe('median, MAD and the robust z-score', () => {
  it('match values worked out by hand', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1); // median 2; deviations 1 1 0 0 2 4 7
    const c = compare([100, 102, 98, 104, 96, 100, 101, 99, 103, 97], 150);
    expect(c.baseline).toBe(100);
    expect(c.deltaPct).toBe(50);
    expect(c.zscore).toBeCloseTo(50 / (2 * 1.4826), 10);
    // Without spread there is no z-score, and without a non-zero median no percentage.
    expect(compare([5, 5, 5, 5, 5], 7)).toEqual({ baseline: 5, deltaPct: 40 });
    expect(compare([0, 0, 0, 0, 0], 7)).toEqual({ baseline: 0 });
  });
});

describe.each(TEST_DATABASES)('baselines of a scheduled metric ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let user: TestUser;
  const completed: Array<EventMap['TestCompleted']> = [];

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildScheduleApp(queueEnv('embedded', { BASELINE_WINDOW: '10' }), db.config);
    app.events.subscribe('TestCompleted', (e) => void completed.push(e));
    await registerUser(app);
    user = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  /** Runs the schedule now and returns its stored result once it completed. */
  async function runOnce(id: string): Promise<Result & { testId: string }> {
    const res = await api(app, user).post(`/api/schedules/${id}/run-now`);
    expect(res.statusCode, res.body).toBe(202);
    const { testId } = res.json<{ testId: string }>();
    await waitFor(
      async () =>
        (await api(app, user).get(`/api/tests/${testId}`)).json<{ status: string }>().status === 'completed',
      15_000,
      `run ${testId} completed`,
    );
    return { testId, ...(await api(app, user).get(`/api/tests/${testId}/result`)).json<Result>() };
  }

  it('gives a step change its delta and robust z-score against the last BASELINE_WINDOW successful runs', async () => {
    const target = `http://127.0.0.1:9/baseline-${database.name}`;
    // Two runs the window forgets, ten steady ones, a failed run (passed = false), then the step to 150.
    const steady = [100, 102, 98, 104, 96, 100, 101, 99, 103, 97];
    seriesValues.set(target, [500, 500, ...steady, 5000, 150]);
    const s = (
      await api(app, user).post('/api/schedules', {
        name: 'latency',
        type: 'series',
        url: target,
        options: { failAbove: 1000 },
        interval: '7d',
        enabled: false,
      })
    ).json<ScheduleJson>();

    const results: Array<Result & { testId: string }> = [];
    for (let i = 0; i < 14; i++) results.push(await runOnce(s.id));

    // Fewer than 5 earlier runs: no derived metrics, and the result says so.
    for (let i = 0; i < 5; i++) {
      expect(results[i]!.details.baseline).toEqual({ ready: false, runs: i, required: 5, window: 10 });
      expect(Object.keys(results[i]!.metrics).sort()).toEqual(['latency_p95_ms', 'score']);
    }
    expect(results[5]!.details.baseline).toMatchObject({ ready: true, runs: 5 });
    expect(results[5]!.metrics.latency_p95_ms_baseline).toBe(102); // median of 500 500 100 102 98

    // The failed run is compared with the baseline, but does not join it.
    const failed = results[12]!;
    expect(failed.passed).toBe(false);
    expect(failed.metrics).toMatchObject({
      latency_p95_ms: 5000,
      latency_p95_ms_baseline: 100,
      latency_p95_ms_delta_pct: 4900,
    });

    // The window holds the ten steady runs (the two 500s rolled out, the failure never got in):
    // median 100, MAD 2, so 150 is +50 % and (150 − 100) / (1.4826 × 2) ≈ 16.86.
    const step = results[13]!;
    expect(step.details.baseline).toMatchObject({ ready: true, runs: 10 });
    expect(step.metrics.latency_p95_ms_baseline).toBe(100);
    expect(step.metrics.latency_p95_ms_delta_pct).toBe(50);
    expect(step.metrics.latency_p95_ms_zscore).toBeCloseTo(16.862, 3);
    // A constant metric has a baseline and a 0 % change, and no z-score (no spread to scale by).
    expect(step.metrics).toMatchObject({ score_baseline: 90, score_delta_pct: 0 });
    expect(step.metrics.score_zscore).toBeUndefined();

    // Published with TestCompleted, for alert rules such as latency_p95_ms_delta_pct > 20.
    const event = await waitFor(
      () => completed.find((e) => e.testId === step.testId),
      5000,
      'its TestCompleted',
    );
    expect(event.metrics).toMatchObject({ latency_p95_ms_delta_pct: 50, latency_p95_ms_baseline: 100 });
    expect(event.metrics.latency_p95_ms_zscore).toBeCloseTo(16.862, 3);

    // The history gives the current band of usual values for the dashboard's chart: the window is now
    // the last nine steady runs and the 150 (median 100.5, MAD 2.5), so median ± 3 × 1.4826 × 2.5.
    type Band = { median: number; low: number; high: number; runs: number } | null;
    const band = await waitFor(
      async () => {
        const h = await api(app, user).get(`/api/schedules/${s.id}/history?metric=latency_p95_ms`);
        expect(h.statusCode, h.body).toBe(200);
        const b = h.json<{ baseline: Band }>().baseline;
        return b?.median === 100.5 ? b : undefined;
      },
      5000,
      'the band with the step in its window',
    );
    expect(band.runs).toBe(10);
    expect(band.low).toBeCloseTo(100.5 - 3 * 1.4826 * 2.5, 6);
    expect(band.high).toBeCloseTo(100.5 + 3 * 1.4826 * 2.5, 6);
    // Derived metrics have no band of their own.
    const derived = await api(app, user).get(
      `/api/schedules/${s.id}/history?metric=latency_p95_ms_delta_pct`,
    );
    expect(derived.json<{ baseline: unknown }>().baseline).toBeNull();
  });

  it('forgets the baseline when the schedule starts testing something else', async () => {
    const target = `http://127.0.0.1:9/reset-${database.name}`;
    seriesValues.set(target, [10, 10, 10, 10, 10, 10, 10]);
    const body = { name: 'reset', type: 'series', url: target, interval: '7d', enabled: false };
    const s = (await api(app, user).post('/api/schedules', body)).json<ScheduleJson>();
    for (let i = 0; i < 5; i++) await runOnce(s.id);
    expect((await runOnce(s.id)).details.baseline.ready).toBe(true);
    const put = await api(app, user).put(`/api/schedules/${s.id}`, { ...body, url: `${target}?v=2` });
    expect(put.statusCode, put.body).toBe(200);
    seriesValues.set(`${target}?v=2`, [10]);
    expect((await runOnce(s.id)).details.baseline).toMatchObject({ ready: false, runs: 0 });
    const history = await api(app, user).get(`/api/schedules/${s.id}/history?metric=latency_p95_ms`);
    expect(history.json<{ baseline: unknown }>().baseline).toBeNull();
  });
});
