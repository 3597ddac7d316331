import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { REDIS_URL, TEST_DATABASES } from '../support/databases.ts';
import { dropPrefix, uniquePrefix } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { parseExposition, type Family } from './support/exposition.ts';
import { buildMonitoringApp } from './support/monitoring-app.ts';

const DASHBOARD = new URL('../../docs/monitoring/grafana-dashboard.json', import.meta.url);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Every testweb_* name the dashboard's queries use. */
function dashboardMetrics(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Array<{ targets?: Array<{ expr: string }> }>;
  };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  expect(exprs.length).toBeGreaterThan(20);
  return [...new Set(exprs.flatMap((e) => e.match(/testweb_[a-z0-9_]+/g) ?? []))];
}

/** The family a sample name belongs to (histograms expose _bucket/_sum/_count). */
function familyFor(name: string, families: Map<string, Family>): Family | undefined {
  return families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
}

const SETUPS = [
  ...TEST_DATABASES.map((database) => ({ name: `embedded on ${database.name}`, database, redis: false })),
  ...(REDIS_URL ? [{ name: 'services', database: TEST_DATABASES.at(-1)!, redis: true }] : []),
];

describe.each(SETUPS)('/metrics on $name', (setup) => {
  let app: FastifyInstance;
  let admin: TestUser;
  let target: http.Server;
  let drop: () => Promise<void>;
  const prefix = uniquePrefix('metrics');

  beforeAll(async () => {
    const created = await setup.database.create();
    drop = created.drop;
    const env: Record<string, string> = setup.redis
      ? { REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: prefix }
      : {};
    app = await buildMonitoringApp({ ...env, MONITORING_INTERVAL: '1s' }, created.config);
    target = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    admin = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    target?.close();
    await drop?.();
    if (setup.redis) await dropPrefix(prefix);
  });

  /** Traffic that makes every family of the issue carry samples: requests, a test run, cache reads. */
  async function traffic(): Promise<void> {
    const port = (target.address() as AddressInfo).port;
    const submit = async (url: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/tests',
        headers: admin.auth,
        payload: {
          type: 'api',
          url,
          options: { assertions: [{ source: 'status', comparison: 'equals', target: 200 }] },
        },
      });
      expect(res.statusCode).toBe(202);
      return res.json<{ testId: string }>().testId;
    };
    const ok = await submit(`http://127.0.0.1:${port}/`);
    await waitFor(
      async () =>
        (await app.inject({ url: `/api/tests/${ok}`, headers: admin.auth })).json<{ status: string }>()
          .status === 'completed',
      30_000,
      'the api test to complete',
    );
    for (let i = 0; i < 3; i++) await app.inject({ url: '/api/tests', headers: admin.auth });
    await app.inject({ url: '/api/tests/00000000-0000-4000-8000-000000000000', headers: admin.auth });
    await app.inject({ url: '/no/such/route' });
  }

  it('is well-formed, without duplicate series or ids as labels, with every family the issue names', async () => {
    await traffic();
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parseExposition(res.body);
    for (const f of families.values())
      for (const s of f.samples)
        for (const v of Object.values(s.labels)) expect(v, `${s.name} label value`).not.toMatch(UUID);

    const samples = (name: string) => families.get(name)?.samples ?? [];
    const http = samples('testweb_http_request_duration_seconds').filter((s) => s.name.endsWith('_count'));
    expect(http).toContainEqual({
      name: 'testweb_http_request_duration_seconds_count',
      labels: { method: 'GET', route: '/api/tests/:testId', status_class: '4xx' },
      value: 1,
    });
    expect(http.some((s) => s.labels.route === 'unmatched' && s.labels.status_class === '4xx')).toBe(true);
    expect(samples('testweb_queue_tests_completed_total')).toContainEqual(
      expect.objectContaining({ labels: { type: 'api' }, value: 1 }),
    );
    for (const name of ['testweb_queue_wait_seconds', 'testweb_queue_run_seconds'])
      expect(samples(name).find((s) => s.name.endsWith('_count'))).toMatchObject({
        labels: { type: 'api' },
        value: 1,
      });
    expect(
      samples('testweb_queue_jobs')
        .map((s) => s.labels.state)
        .sort(),
    ).toEqual(['active', 'delayed', 'waiting']);
    expect(samples('testweb_engine_outbound_requests_total')).toContainEqual(
      expect.objectContaining({ labels: { engine: 'api', outcome: 'ok' } }),
    );
    expect(samples('testweb_db_query_duration_seconds').length).toBeGreaterThan(0);
    expect(
      samples('testweb_db_pool_connections')
        .map((s) => s.labels.state)
        .sort(),
    ).toEqual(['idle', 'in_use']);
    expect(samples('testweb_nodejs_eventloop_lag_p99_seconds')).toHaveLength(1);
    expect(samples('testweb_cache_misses_total').length).toBeGreaterThan(0);
    expect(families.has('testweb_realtime_connections')).toBe(true);
    if (setup.redis) {
      const redis = samples('testweb_redis_command_duration_seconds').filter((s) =>
        s.name.endsWith('_count'),
      );
      expect(redis.map((s) => s.labels.connection)).toEqual(expect.arrayContaining(['queue', 'events-pub']));
    }
  });

  it('exposes every metric the Grafana dashboard queries', async () => {
    const families = parseExposition((await app.inject({ url: '/metrics' })).body);
    const missing = dashboardMetrics().filter((name) => !familyFor(name, families));
    expect(missing).toEqual([]);
  });
});

describe('the exposition parser', () => {
  it('refuses what promtool refuses', () => {
    const ok = '# HELP a_total x\n# TYPE a_total counter\na_total{k="v"} 1\n';
    expect(parseExposition(ok).get('a_total')!.samples).toHaveLength(1);
    expect(() => parseExposition(`${ok}a_total{k="v"} 2\n`)).toThrow(/duplicate series/);
    expect(() => parseExposition('# TYPE b counter\nb 1\n')).toThrow(/lacks _total/);
    expect(() => parseExposition('c 1\n')).toThrow(/without HELP\/TYPE/);
    expect(() => parseExposition('# TYPE d gauge\nd{k=v} 1\n')).toThrow(/unquoted/);
    expect(() => parseExposition('# TYPE e gauge\ne one\n')).toThrow(/bad value/);
    expect(() =>
      parseExposition('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'),
    ).toThrow(/not cumulative/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n')).toThrow(
      /differs from _count/,
    );
  });
});
