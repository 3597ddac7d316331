import { describe, expect, it } from 'vitest';
import { readJsonPath } from '../../src/engines/api/json-path.ts';
import { cachePolicy, isCompressible } from '../../src/engines/performance/caching.ts';
import { extractResources } from '../../src/engines/performance/page-resources.ts';
import { buildPlan, sharePlan, usersAt } from '../../src/engines/stress/load-plan.ts';
import type { StressOptions } from '../../src/engines/stress/stress.options.ts';
import { evaluateThresholds } from '../../src/engines/stress/thresholds.ts';

const stress = (o: Partial<StressOptions>): StressOptions => ({
  method: 'GET',
  vus: 10,
  pattern: 'constant',
  startVus: 0,
  timeoutMs: 10_000,
  thresholds: [],
  insecureTls: false,
  ...o,
});

describe('stress load plans', () => {
  it('holds constant users for the duration', () => {
    const plan = buildPlan(stress({ vus: 7, duration: '2m' }));
    expect(plan).toMatchObject({ mode: 'vus', durationMs: 120_000, maxUsers: 7 });
    if (plan.mode !== 'vus') throw new Error('vus plan expected');
    expect([0, 60_000, 119_999].map((t) => usersAt(plan.segments, t))).toEqual([7, 7, 7]);
    expect(usersAt(plan.segments, 120_000)).toBe(0);
  });

  it('ramps linearly from startVus to vus', () => {
    const plan = buildPlan(stress({ pattern: 'ramp-up', startVus: 10, vus: 110, duration: 100 }));
    if (plan.mode !== 'vus') throw new Error('vus plan expected');
    expect([0, 25_000, 50_000, 99_000].map((t) => usersAt(plan.segments, t))).toEqual([10, 35, 60, 109]);
    // One user a second, at every tenth of the ramp, then nobody once the plan is over.
    const tenths = Array.from({ length: 10 }, (_, i) => usersAt(plan.segments, i * 10_000));
    expect(tenths).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(usersAt(plan.segments, 100_000)).toBe(0);
  });

  it('ramps down as linearly as it ramps up, and rounds to whole users', () => {
    const plan = buildPlan(
      stress({
        startVus: 0,
        stages: [
          { duration: '4s', target: 8 },
          { duration: '4s', target: 0 },
        ],
      }),
    );
    if (plan.mode !== 'vus') throw new Error('vus plan expected');
    expect(plan).toMatchObject({ durationMs: 8000, maxUsers: 8 });
    expect(
      [0, 500, 1000, 1250, 2000, 3000, 3999, 4000, 5000, 6000, 7000, 7999].map((t) =>
        usersAt(plan.segments, t),
      ),
    ).toEqual([0, 1, 2, 3, 4, 6, 8, 8, 6, 4, 2, 0]);
  });

  it('spikes to the peak for the middle fifth', () => {
    const plan = buildPlan(stress({ pattern: 'spike', startVus: 2, vus: 50, duration: '10s' }));
    if (plan.mode !== 'vus') throw new Error('vus plan expected');
    expect([1000, 3900, 4100, 5900, 6100, 9900].map((t) => usersAt(plan.segments, t))).toEqual([
      2, 2, 50, 50, 2, 2,
    ]);
    expect(plan.maxUsers).toBe(50);
  });

  it('follows k6-style stages, each ramping from the previous target', () => {
    const plan = buildPlan(
      stress({
        stages: [
          { duration: '10s', target: 20 },
          { duration: 10, target: 20 },
          { duration: '5s', target: 0 },
        ],
      }),
    );
    if (plan.mode !== 'vus') throw new Error('vus plan expected');
    expect(plan.durationMs).toBe(25_000);
    expect([5000, 15_000, 22_500].map((t) => usersAt(plan.segments, t))).toEqual([10, 20, 10]);
  });

  it('switches to arrival rate when rate is set', () => {
    expect(buildPlan(stress({ rate: 250, vus: 40, duration: '30s' }))).toEqual({
      mode: 'rate',
      rate: 250,
      durationMs: 30_000,
      maxUsers: 40,
    });
  });

  it('splits users and rate across worker threads without losing any', () => {
    const plan = buildPlan(stress({ vus: 7, duration: 1 }));
    const shares = [0, 1, 2].map((i) => sharePlan(plan, i, 3));
    expect(shares.map((p) => p.maxUsers)).toEqual([3, 2, 2]);
    const rate = buildPlan(stress({ rate: 90, vus: 9, duration: 1 }));
    expect([0, 1, 2].map((i) => sharePlan(rate, i, 3))).toMatchObject([
      { rate: 30, maxUsers: 3 },
      { rate: 30 },
      { rate: 30 },
    ]);
  });
});

describe('stress thresholds', () => {
  const metrics = { latency_p95_ms: 180, latency_p99_ms: 400, error_rate: 0.02, rps_mean: 600 };
  it('evaluates aliases and metric names with every operator', () => {
    const results = evaluateThresholds(
      ['p95<200', 'p(99)<=400', 'error_rate<0.01', 'rps>500', 'rps_mean>=601'],
      metrics,
    );
    expect(results.map((r) => [r.metric, r.actual, r.passed])).toEqual([
      ['latency_p95_ms', 180, true],
      ['latency_p99_ms', 400, true],
      ['error_rate', 0.02, false],
      ['rps_mean', 600, true],
      ['rps_mean', 600, false],
    ]);
  });
});

describe('JSON paths', () => {
  const doc = { items: [{ id: 1 }, { id: 2, 'odd key': 'x' }], name: 'n' };
  it.each([
    ['$.items[0].id', 1],
    ['items[1].id', 2],
    ['$.items[-1].id', 2],
    ["$.items[1]['odd key']", 'x'],
    ['$.items.length', 2],
    ['$.name.length', 1],
    ['$.missing.deeper', undefined],
    ['$', doc],
  ])('reads %s', (path, expected) => {
    expect(readJsonPath(doc, path)).toEqual(expected);
  });
});

describe('page analysis', () => {
  it('finds the subresources a browser would fetch, resolved and deduplicated', () => {
    const html = `<base href="https://cdn.example.com/a/"><link rel="stylesheet" href="s.css"><link rel="icon" href="/favicon.ico">
      <link rel="preload" as="font" href="f.woff2"><script src="s.js"></script><script src="s.js"></script><script>inline()</script>
      <img srcset="i1.png 1x, i2.png 2x"><img src="data:image/png;base64,AA"><a href="page.html">x</a><style>@font-face{src:url('g.woff')}</style>`;
    expect(extractResources(html, 'https://example.com/')).toEqual([
      { url: 'https://cdn.example.com/a/s.js', type: 'script' },
      { url: 'https://cdn.example.com/a/s.css', type: 'style' },
      { url: 'https://cdn.example.com/favicon.ico', type: 'image' },
      { url: 'https://cdn.example.com/a/f.woff2', type: 'font' },
      { url: 'https://cdn.example.com/a/i1.png', type: 'image' },
      { url: 'https://cdn.example.com/a/g.woff', type: 'font' },
    ]);
  });

  it('reads cache lifetimes from Cache-Control and Expires', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(cachePolicy({ 'cache-control': 'public, max-age=600' }).freshnessSeconds).toBe(600);
    expect(cachePolicy({ 'cache-control': 'no-store, max-age=600' }).freshnessSeconds).toBe(0);
    expect(cachePolicy({ expires: 'Thu, 01 Jan 2026 01:00:00 GMT' }, now).freshnessSeconds).toBe(3600);
    expect(cachePolicy({ etag: '"x"' })).toMatchObject({ freshnessSeconds: 0, revalidatable: true });
    expect([
      isCompressible('text/html'),
      isCompressible('application/json'),
      isCompressible('image/svg+xml'),
      isCompressible('image/png'),
    ]).toEqual([true, true, true, false]);
  });
});
