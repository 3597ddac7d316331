import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformSample } from '../../src/shared/events/index.ts';
import { createSamplesRepository } from '../../src/modules/monitoring/samples.repository.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { waitFor } from '../support/wait.ts';
import { buildMonitoringApp } from './support/monitoring-app.ts';

const ROUTES = [
  '/api/monitoring/overview',
  '/api/monitoring/series?metric=cpuRatio',
  '/api/monitoring/instances',
];

describe.each(TEST_DATABASES)('/api/monitoring on $name', (database) => {
  let app: FastifyInstance;
  let admin: TestUser;
  let user: TestUser;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const created = await database.create();
    drop = created.drop;
    // The production interval and retention: 10 s samples kept 24 h.
    app = await buildMonitoringApp(
      { MONITORING_INTERVAL: '10s', MONITORING_RETENTION: '24h' },
      created.config,
    );
    admin = await registerUser(app);
    user = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const get = (url: string, who: TestUser | null = admin) =>
    app.inject({ url, headers: who ? who.auth : {} });

  it('is for admins: 401 without a token, 403 for a user', async () => {
    for (const url of ROUTES) {
      expect((await get(url, null)).statusCode, url).toBe(401);
      const refused = await get(url, user);
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json().code).toBe('ERR_FORBIDDEN');
      expect((await get(url)).statusCode, url).toBe(200);
    }
  });

  it('answers a series with a step no finer than the interval and at most 1,000 points', async () => {
    // The app takes its first sample when it becomes ready.
    const res = await waitFor(async () => {
      const r = await get('/api/monitoring/series?metric=rssBytes');
      return r.json().points?.length ? r : null;
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ metric: 'rssBytes', unit: 'bytes', stepSeconds: 10 });
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(3_600_000);
    expect(body.points[0].value).toBeGreaterThan(1_000_000);
    // A whole retention at once: the finest whole-second step that keeps it under 1,000 points.
    const to = Date.now();
    const range = `from=${new Date(to - 86_400_000).toISOString()}&to=${new Date(to).toISOString()}`;
    const day = await get(`/api/monitoring/series?metric=apiP95Seconds&${range}`);
    expect(day.statusCode).toBe(200);
    expect(day.json().stepSeconds).toBe(87);
  });

  it.each([
    ['', '/querystring/metric', /required/],
    ['metric=uptime', '/querystring/metric', /./],
    ['metric=cpuRatio&from=yesterday', '/querystring/from', /date-time/],
    ['metric=cpuRatio&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', '/querystring/to', /after from/],
    [
      'metric=cpuRatio&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:01Z',
      '/querystring/from',
      /MONITORING_RETENTION/,
    ],
    ['metric=cpuRatio&step=5s', '/querystring/step', /at least the sampling interval/],
    [
      'metric=cpuRatio&from=2026-01-01T00:00:00Z&to=2026-01-01T23:00:00Z&step=10s',
      '/querystring/step',
      /8280 points.*at most 1000.*83 s/,
    ],
    ['metric=cpuRatio&step=fast', '/querystring/step', /pattern/],
    ['metric=cpuRatio&instance=', '/querystring/instance', /fewer than 1|at least 1|NOT have fewer/],
    ['metric=cpuRatio&points=5000', '/querystring/points', /not an allowed property/],
  ])('refuses the series query "%s" with a 400 naming %s', async (query, field, message) => {
    const res = await get(`/api/monitoring/series?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const errors = res.json().errors as Array<{ field: string; message: string }>;
    expect(errors[0]!.field).toBe(field);
    expect(errors[0]!.message).toMatch(message);
  });

  it('pages instances with ?limit ≤ 100 and a cursor it handed out', async () => {
    expect((await get('/api/monitoring/instances?limit=101')).json().errors[0].field).toBe(
      '/querystring/limit',
    );
    const bad = await get('/api/monitoring/instances?cursor=garbage');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('/querystring/cursor');
    // A second process, started an hour earlier: it comes second, newest first.
    const started = Date.now() - 3_600_000;
    await createSamplesRepository(app.database.db).record(
      {
        id: 'other-host:7:abcdef',
        role: 'api',
        host: 'other-host',
        pid: 7,
        version: '0.1.0',
        startedAt: started,
        concurrency: 0,
        running: 0,
      },
      { instanceId: 'other-host:7:abcdef', role: 'api', at: new Date().toISOString() } as PlatformSample,
    );
    const first = (await get('/api/monitoring/instances?limit=1')).json();
    expect(first.items).toHaveLength(1);
    expect(first.items[0]).toMatchObject({ pid: process.pid, role: 'worker', status: 'up' });
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await get(`/api/monitoring/instances?limit=1&cursor=${first.nextCursor}`)).json();
    expect(second.items.map((i: { id: string }) => i.id)).toEqual(['other-host:7:abcdef']);
    expect(second.nextCursor).toBeNull();
  });
});
