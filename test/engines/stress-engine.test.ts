import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { createEngineRegistry, createEngineRunner, ENGINES } from '../../src/engines/index.ts';
import { usersAt, type Segment } from '../../src/engines/stress/load-plan.ts';
import { stressEngine } from '../../src/engines/stress/stress.engine.ts';
import { createOutboundClient } from '../../src/shared/outbound/index.ts';
import {
  closedPort,
  startFixtureServer,
  startTlsFixtureServer,
  type FixtureServer,
} from '../fixtures/target-server.fixture.ts';
import { engineHarness, silentLog } from './engine-harness.ts';

const LIVE_KEYS = ['active_users', 'errors', 'latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms', 'rps'];

describe('stress engine', () => {
  let server: FixtureServer;
  const h = engineHarness({ limits: { stressMaxUsers: 50, stressMaxDurationMs: 20_000 } });

  beforeAll(async () => {
    server = await startFixtureServer();
  });
  afterAll(async () => {
    await h.close();
    await server.close();
  });

  it('counts exactly the requests the server answered, with live progress every second', async () => {
    const before = server.hits.get('/hello') ?? 0;
    const { result, progress } = await h.run('stress', `${server.url}/hello`, {
      vus: 5,
      duration: '3s',
      thresholds: ['p95<5000', 'error_rate<0.01', 'rps>1'],
    });
    const m = result.metrics;
    const served = (server.hits.get('/hello') ?? 0) - before;
    expect(m.requests_total).toBe(served);
    expect(m.requests_total).toBeGreaterThan(10);
    expect(result.details.statusCodes).toEqual({ 200: served });
    expect(m.bytes_received).toBe(served * 'hello world'.length);
    expect(m.error_rate).toBe(0);
    expect(m.vus_max).toBe(5);
    expect(m.latency_min_ms).toBeLessThanOrEqual(m.latency_p50_ms!);
    expect(m.latency_p50_ms).toBeLessThanOrEqual(m.latency_p95_ms!);
    expect(m.latency_p95_ms).toBeLessThanOrEqual(m.latency_p99_ms!);
    expect(m.latency_p99_ms).toBeLessThanOrEqual(m.latency_max_ms!);
    expect(m.duration_s).toBeGreaterThanOrEqual(2.9);
    // duration_s is rounded to 10 ms, so allow 1 %.
    expect(Math.abs(m.rps_mean! - m.requests_total! / m.duration_s!) / m.rps_mean!).toBeLessThan(0.01);
    expect(result.passed).toBe(true);
    const live = progress.filter((p) => p.metrics);
    expect(live.length).toBeGreaterThanOrEqual(3);
    for (const p of live) expect(Object.keys(p.metrics!).sort()).toEqual(LIVE_KEYS);
    const series = result.details.series as Array<{ requests: number }>;
    expect(series.reduce((n, s) => n + s.requests, 0)).toBe(served);
  });

  it('fails its thresholds on a 500 and counts errors as 5xx', async () => {
    const { result } = await h.run('stress', `${server.url}/error`, {
      vus: 2,
      duration: 1,
      thresholds: ['error_rate<0.01', 'p(95)<10000'],
    });
    expect(result.metrics.errors_5xx).toBe(result.metrics.requests_total);
    expect(result.metrics.error_rate).toBe(1);
    expect(result.passed).toBe(false);
    const thresholds = result.details.thresholds as Array<{ expression: string; passed: boolean }>;
    expect(thresholds.map((t) => t.passed)).toEqual([false, true]);
    expect(result.findings.some((f) => f.title === 'Threshold failed: error_rate<0.01')).toBe(true);
  });

  it('records refused connections by kind', async () => {
    const port = await closedPort();
    const { result } = await h.run('stress', `http://127.0.0.1:${port}/`, { vus: 2, duration: 1 });
    expect(result.metrics.errors_refused).toBeGreaterThan(0);
    expect(result.metrics.errors_refused).toBe(result.metrics.requests_total);
    expect(result.findings.some((f) => f.title === 'Connections refused')).toBe(true);
  });

  it('records reset connections by kind', async () => {
    const { result } = await h.run('stress', `${server.url}/reset`, { vus: 2, duration: 1 });
    expect(result.metrics.errors_reset).toBeGreaterThan(0);
    expect(result.metrics.error_rate).toBe(1);
  });

  it('records timeouts by kind', async () => {
    const { result } = await h.run('stress', `${server.url}/slow?ms=3000`, {
      vus: 2,
      duration: 2,
      timeoutMs: 300,
    });
    expect(result.metrics.errors_timeout).toBeGreaterThan(0);
    expect(result.metrics.errors_timeout).toBe(result.metrics.requests_total);
  });

  it('loads a self-signed TLS target only with insecureTls', async () => {
    const tls = await startTlsFixtureServer();
    try {
      const strict = await h.run('stress', `${tls.url}/hello`, { vus: 2, duration: 1 });
      expect(strict.result.metrics.errors_other).toBe(strict.result.metrics.requests_total);
      expect(tls.hits.get('/hello') ?? 0).toBe(0);
      const relaxed = await h.run('stress', `${tls.url}/hello`, { vus: 2, duration: 1, insecureTls: true });
      expect(relaxed.result.metrics.requests_total).toBe(tls.hits.get('/hello'));
      expect(relaxed.result.metrics.error_rate).toBe(0);
    } finally {
      await tls.close();
    }
  });

  it('ramps users up along the plan, checked at every second of the ramp', async () => {
    const { result } = await h.run('stress', `${server.url}/hello`, {
      pattern: 'ramp-up',
      startVus: 0,
      vus: 8,
      duration: '4s',
    });
    const plan = result.details.plan as { segments: Segment[]; durationMs: number };
    const series = result.details.series as Array<{ durationMs: number; active_users: number }>;
    // Each second's sample is taken at the end of that second; its time is the sum of the durations so far.
    let elapsed = 0;
    const samples = series
      .map((s) => ({ at: (elapsed += s.durationMs), users: s.active_users }))
      .filter((s) => s.at < plan.durationMs);
    expect(samples.length, JSON.stringify(series)).toBeGreaterThanOrEqual(3);
    for (const s of samples) {
      // 2 users a second: 1 user of slack is 500 ms of timer lag on a busy machine.
      expect(
        Math.abs(s.users - usersAt(plan.segments, s.at)),
        `${s.users} users at ${s.at} ms; ${JSON.stringify(samples)}`,
      ).toBeLessThanOrEqual(1);
    }
    expect(samples.map((s) => s.users).slice(0, 3)).toEqual(
      [...samples.map((s) => s.users).slice(0, 3)].sort((a, b) => a - b),
    );
    expect(result.metrics.vus_max).toBe(Math.max(...series.map((s) => s.active_users)));
  });

  it('holds an arrival rate in rate mode', async () => {
    const before = server.hits.get('/hello') ?? 0;
    const { result } = await h.run('stress', `${server.url}/hello`, { rate: 40, duration: '2s', vus: 10 });
    const served = (server.hits.get('/hello') ?? 0) - before;
    expect(result.metrics.requests_total).toBe(served);
    expect(served).toBeGreaterThanOrEqual(70);
    expect(served).toBeLessThanOrEqual(85);
    expect(result.details.mode).toBe('rate');
  });

  it('stops all traffic within 2 s of a cancel', async () => {
    const controller = new AbortController();
    const before = server.hits.get('/slow') ?? 0;
    const run = h.run('stress', `${server.url}/slow?ms=5`, { vus: 20, duration: '15s' }, controller.signal);
    await waitFor(
      () => (server.hits.get('/slow') ?? 0) - before > 20,
      20_000,
      'the load to reach the target',
    );
    const abortedAt = Date.now();
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    const afterStop = server.hits.get('/slow') ?? 0;
    expect(afterStop - before).toBeGreaterThan(20);
    // Nothing may still be in flight: a request sent before the abort would land within a few ms.
    await new Promise((r) => setTimeout(r, 500));
    expect(server.hits.get('/slow')).toBe(afterStop);
  });

  it('refuses more users or a longer run than the caps allow, before any request', async () => {
    const before = server.total();
    await expect(h.run('stress', `${server.url}/hello`, { vus: 51, duration: 1 })).rejects.toMatchObject({
      code: 'ERR_LIMIT_EXCEEDED',
      message: expect.stringMatching(/vus must be at most 50.*STRESS_MAX_USERS/),
    });
    await expect(h.run('stress', `${server.url}/hello`, { vus: 1, duration: '1m' })).rejects.toMatchObject({
      code: 'ERR_LIMIT_EXCEEDED',
      message: expect.stringMatching(/STRESS_MAX_DURATION/),
    });
    expect(server.total()).toBe(before);
  });

  it('runs under the caps the runner was given, whatever the registry was told', async () => {
    const runner = createEngineRunner({
      registry: createEngineRegistry(ENGINES),
      allowPrivateTargets: true,
      log: silentLog,
      limits: { stressMaxUsers: 50, stressMaxDurationMs: 20_000, stressMaxRate: 100 },
    });
    const before = server.total();
    const run = (options: object) =>
      runner.run({
        type: 'stress',
        url: `${server.url}/hello`,
        options,
        signal: new AbortController().signal,
        progress: () => undefined,
      });
    try {
      await expect(run({ vus: 51, duration: 1 })).rejects.toMatchObject({
        name: 'NonRetryableError',
        code: 'ERR_LIMIT_EXCEEDED',
        message: expect.stringMatching(/vus must be at most 50.*STRESS_MAX_USERS/),
      });
      await expect(
        run({
          stages: [
            { duration: '15s', target: 1 },
            { duration: '15s', target: 1 },
          ],
        }),
      ).rejects.toMatchObject({
        code: 'ERR_LIMIT_EXCEEDED',
        message: expect.stringMatching(/STRESS_MAX_DURATION/),
      });
      await expect(run({ rate: 101, duration: 1 })).rejects.toMatchObject({
        code: 'ERR_LIMIT_EXCEEDED',
        message: expect.stringMatching(/STRESS_MAX_RATE/),
      });
      expect(server.total()).toBe(before);
    } finally {
      await runner.close();
    }
  });

  it('checks the caps again itself when it runs (defence in depth)', async () => {
    // Called directly, as a caller that skipped validation would: the engine still refuses at once, with
    // a NonRetryableError the queue will not retry, and sends nothing.
    const http = createOutboundClient({
      allowPrivateTargets: true,
      timeoutMs: 2000,
      maxResponseBytes: 1024,
      maxRedirects: 0,
      userAgent: 'test',
    });
    const limits = { stressMaxUsers: 50, stressMaxDurationMs: 20_000, stressMaxRate: 100, stressWorkers: 1 };
    const before = server.total();
    const run = (options: object) =>
      stressEngine.run({
        url: `${server.url}/hello`,
        options: createEngineRegistry(ENGINES).validate('stress', options) as never,
        signal: new AbortController().signal,
        progress: () => undefined,
        http,
        log: silentLog,
        limits,
      });
    try {
      await expect(run({ vus: 51, duration: 1 })).rejects.toMatchObject({
        name: 'NonRetryableError',
        code: 'ERR_LIMIT_EXCEEDED',
        message: expect.stringMatching(/51 users exceed the cap of 50 \(STRESS_MAX_USERS\)/),
      });
      await expect(run({ vus: 1, duration: 21 })).rejects.toMatchObject({
        code: 'ERR_LIMIT_EXCEEDED',
        message: expect.stringMatching(/STRESS_MAX_DURATION/),
      });
      await expect(run({ rate: 101, duration: 1 })).rejects.toMatchObject({
        code: 'ERR_LIMIT_EXCEEDED',
        message: expect.stringMatching(/STRESS_MAX_RATE/),
      });
      expect(server.total()).toBe(before);
    } finally {
      await http.close();
    }
  });
});
