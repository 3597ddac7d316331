import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlatformSample } from '../../src/shared/events/index.ts';
import { createSamplesRepository } from '../../src/modules/monitoring/samples.repository.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { waitFor } from '../support/wait.ts';
import { buildMonitoringApp, INTERVAL_MS, instances } from './support/monitoring-app.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(TEST_DATABASES)('platform samples on $name', (database) => {
  let app: FastifyInstance | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await app?.close();
    await drop?.();
    app = undefined;
  });

  async function start(env: Record<string, string>, clock?: () => number) {
    const created = await database.create();
    drop = created.drop;
    app = await buildMonitoringApp(env, created.config, { clock });
    return app;
  }

  const rawRows = (a: FastifyInstance) =>
    a.database.db
      .selectFrom('platform_samples')
      .select(['instance_id', 'sampled_at'])
      .where('resolution', '=', 'raw')
      .orderBy('sampled_at')
      .execute();

  async function series(a: FastifyInstance, user: TestUser, query: Record<string, string>) {
    const res = await a.inject({
      url: `/api/monitoring/series?${new URLSearchParams(query)}`,
      headers: user.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ points: Array<{ t: string; value: number }> }>().points;
  }

  it('writes one sample per process per interval, each also published as PlatformSampled', async () => {
    const a = await start({});
    const published: PlatformSample[] = [];
    a.events.subscribe('PlatformSampled', (s) => void published.push(s), { localOnly: true });
    const rows = await waitFor(
      async () => ((await rawRows(a)).length >= 8 ? rawRows(a) : null),
      20_000,
      '8 samples',
    );
    expect(new Set(rows.map((r) => r.instance_id)).size).toBe(1);
    const times = rows.map((r) => new Date(r.sampled_at).getTime());
    // Never two writes for one interval: consecutive samples are at least an interval apart (timer jitter aside).
    for (let i = 1; i < times.length; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(INTERVAL_MS - 5);
    const stored = new Set(times.map(iso));
    const seen = published.filter((s) => Date.parse(s.at) <= times.at(-1)!);
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(stored.has(s.at), `a row for the sample at ${s.at}`).toBe(true);
    expect(seen[0]).toMatchObject({ role: 'worker', instanceId: rows[0]!.instance_id });
    expect(seen[0]!.rssBytes).toBeGreaterThan(1_000_000);
    expect(seen[0]!.dbRttSeconds).toBeGreaterThan(0);
  });

  it('folds samples older than an hour into one per minute and deletes them after the retention', async () => {
    let now = Date.now();
    const a = await start({ MONITORING_INTERVAL: '10m', MONITORING_RETENTION: '3h' }, () => now);
    const admin = await registerUser(a);
    const published: PlatformSample[] = [];
    a.events.subscribe('PlatformSampled', (s) => void published.push(s), { localOnly: true });
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const old = minute - 2 * HOUR;
    const ancient = minute - 4 * HOUR;
    const sampleAt = async (t: number) => {
      now = t;
      await a.inject({ url: '/api/auth/me', headers: admin.auth });
      await a.monitoring.sampler!.sampleNow();
    };
    for (const s of [5, 20, 35, 50]) await sampleAt(old + s * 1000);
    for (const s of [10, 40]) await sampleAt(ancient + s * 1000);
    now = minute + 30_000;
    await a.monitoring.sampler!.settled();
    const inOld = published.filter((s) => Date.parse(s.at) >= old && Date.parse(s.at) < old + MINUTE);
    expect(inOld).toHaveLength(4);
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
    const heapMean = mean(inOld.map((s) => s.heapUsedBytes!));
    const p95Max = Math.max(...inOld.map((s) => s.apiP95Seconds!));

    const around = (t: number, metric: string) =>
      series(a, admin, { metric, from: iso(t - 5 * MINUTE), to: iso(t + 5 * MINUTE), step: '10m' });
    const beforeHeap = await around(old, 'heapUsedBytes');
    expect(beforeHeap).toHaveLength(1);
    expect(beforeHeap[0]!.value).toBeCloseTo(heapMean, 0);
    expect(await around(ancient, 'heapUsedBytes')).toHaveLength(1);

    const result = await a.monitoring.sampler!.maintain(now);
    expect(result).toMatchObject({ folded: 6, expired: 1 });
    const rows = await a.database.db
      .selectFrom('platform_samples')
      .select(['resolution', 'sample_count', 'heap_used_bytes', 'api_p95_seconds', 'sampled_at'])
      .where('sampled_at', '<', new Date(minute - HOUR))
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ resolution: 'minute', sample_count: 4 });
    expect(new Date(rows[0]!.sampled_at).getTime()).toBe(old);
    // The user sees the same mean, and the worst p95 of the minute rather than an average of p95s.
    const afterHeap = await around(old, 'heapUsedBytes');
    expect(afterHeap).toHaveLength(1);
    expect(afterHeap[0]!.value).toBeCloseTo(heapMean, 0);
    expect((await around(old, 'apiP95Seconds'))[0]!.value).toBeCloseTo(p95Max, 9);
    expect(await around(ancient, 'heapUsedBytes')).toEqual([]);
  });

  it('downsamples in bounded batches, merging a minute split between two batches by its weights', async () => {
    const now = Math.floor(Date.now() / MINUTE) * MINUTE + 30_000;
    const a = await start({ MONITORING_INTERVAL: '1m', MONITORING_RETENTION: '24h' }, () => now);
    const admin = await registerUser(a);
    const start8h = now - 30_000 - 8 * HOUR;
    // 25,000 raw samples one second apart: cpu_ratio counts up (minute k averages 60k + 29.5), the p95
    // goes round every minute (worst 0.59).
    await sql`
      INSERT INTO platform_samples (instance_id, role, sampled_at, cpu_ratio, api_p95_seconds)
      SELECT 'bulk:1:aaaaaa', 'worker', ${iso(start8h)}::timestamptz + make_interval(secs => i),
        i::double precision, (i % 60)::double precision / 100
      FROM generate_series(0, 24999) AS i`.execute(a.database.db);
    const query = { metric: 'cpuRatio', instance: 'bulk:1:aaaaaa', step: '1m' };
    const window = { from: iso(start8h + 80 * MINUTE), to: iso(start8h + 90 * MINUTE) };
    const expected = Array.from({ length: 10 }, (_, k) => 60 * (80 + k) + 29.5);
    expect((await series(a, admin, { ...query, ...window })).map((p) => p.value)).toEqual(expected);

    expect(await a.monitoring.sampler!.maintain(now)).toMatchObject({ folded: 20_000 });
    expect(await a.monitoring.sampler!.maintain(now)).toMatchObject({ folded: 5_000 });
    expect(await a.monitoring.sampler!.maintain(now)).toMatchObject({ folded: 0 });
    const { rows } = await sql<{ n: number; samples: number; raw: number }>`
      SELECT count(*)::integer AS n, sum(sample_count)::integer AS samples,
        count(*) FILTER (WHERE resolution = 'raw')::integer AS raw
      FROM platform_samples WHERE instance_id = 'bulk:1:aaaaaa'`.execute(a.database.db);
    expect(rows[0]).toEqual({ n: Math.ceil(25_000 / 60), samples: 25_000, raw: 0 });
    // Minute 83 (samples 4980–5039) was split by the first batch at sample 5000.
    expect((await series(a, admin, { ...query, ...window })).map((p) => p.value)).toEqual(expected);
    const p95 = await series(a, admin, { ...query, ...window, metric: 'apiP95Seconds' });
    expect(p95.map((p) => p.value)).toEqual(expected.map(() => 0.59));
  });

  it('marks an instance down after three missed intervals by the clock, and forgets it after the retention', async () => {
    let now = Date.now();
    const a = await start({ MONITORING_INTERVAL: '10m', MONITORING_RETENTION: '3h' }, () => now);
    const admin = await registerUser(a);
    const interval = 10 * MINUTE;
    const other = { id: 'elsewhere:42:abcdef', role: 'worker' as const, host: 'elsewhere', pid: 42 };
    await createSamplesRepository(a.database.db).record(
      { ...other, version: '0.1.0', startedAt: now - HOUR, concurrency: 4, running: 1 },
      blankSample(other.id, now),
    );
    const find = async () => (await instances(a, admin.auth)).find((i) => i.id === other.id);
    expect(await find()).toMatchObject({ status: 'up', concurrency: 4 });
    now += 2.5 * interval;
    expect(await find()).toMatchObject({ status: 'up', missedHeartbeats: 2 });
    now += interval;
    expect(await find()).toMatchObject({ status: 'down', missedHeartbeats: 3 });
    now += 3 * HOUR;
    await a.monitoring.sampler!.maintain(now);
    expect(await find()).toBeUndefined();
  });
});

function blankSample(instanceId: string, at: number): PlatformSample {
  return {
    instanceId,
    role: 'worker',
    at: iso(at),
    cpuRatio: 0.1,
    rssBytes: 1e8,
    heapUsedBytes: 5e7,
    eventLoopP99Seconds: 0.01,
    apiRequestsPerMinute: null,
    apiP95Seconds: null,
    apiErrorRatio: null,
    queueWaiting: 0,
    queueActive: 1,
    testsCompletedPerMinute: 2,
    testsFailedPerMinute: 0,
    runningTests: 1,
    wsConnections: 0,
    cacheHitRatio: null,
    cacheErrorsPerMinute: 0,
    dbRttSeconds: 0.001,
    redisRttSeconds: null,
  };
}
