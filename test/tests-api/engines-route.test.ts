import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { buildApp } from '../../src/app.ts';
import type { TestEngine } from '../../src/engines/index.ts';
import { buildTestApp, registerUser, testConfig, type TestUser } from '../support/app.ts';

interface EngineView {
  name: string;
  available: boolean;
  unavailableReason: string | null;
  streamsLive: boolean;
  options: { type: string; properties: Record<string, unknown> };
  metrics: Array<{ name: string; unit: string; description: string }>;
}

describe('GET /api/engines', () => {
  let app: FastifyInstance;
  let user: TestUser;
  beforeAll(async () => {
    app = await buildTestApp();
    user = await registerUser(app);
  });
  afterAll(async () => app.close());

  it('lists every engine with its description, options JSON Schema, metrics with units and availability', async () => {
    const res = await app.inject({ url: '/api/engines', headers: user.auth });
    expect(res.statusCode).toBe(200);
    const { engines } = res.json<{ engines: EngineView[] }>();
    expect(engines.map((e) => e.name)).toEqual([
      'performance',
      'stress',
      'api',
      'lighthouse',
      'accessibility',
      'security',
      'seo',
      'website',
    ]);
    const stress = engines.find((e) => e.name === 'stress')!;
    expect(stress.available).toBe(true);
    expect(stress.unavailableReason).toBeNull();
    expect(stress.streamsLive).toBe(true);
    expect(stress.options.type).toBe('object');
    expect(stress.options.properties).toHaveProperty('vus');
    expect(stress.metrics).toContainEqual({
      name: 'latency_p95_ms',
      unit: 'ms',
      description: 'Response time p95, ms',
    });
    expect(stress.metrics.find((m) => m.name === 'errors_total')?.unit).toBe('count');
    expect(stress.metrics.find((m) => m.name === 'bytes_received')?.unit).toBe('bytes');
    expect(stress.metrics.find((m) => m.name === 'error_rate')?.unit).toBe('ratio');
    const perf = engines.find((e) => e.name === 'performance')!;
    expect(perf.metrics.find((m) => m.name === 'score')?.unit).toBe('score');
  });

  it('needs a sign-in', async () => {
    expect((await app.inject({ url: '/api/engines' })).statusCode).toBe(401);
  });
});

describe('an engine this machine cannot run', () => {
  const reason = 'install Chromium (`apt install chromium`) or set CHROMIUM_PATH';
  const browserless: TestEngine = {
    name: 'needs-browser',
    description: 'a test engine that needs a browser',
    options: Type.Object({}, { additionalProperties: false }),
    metrics: {},
    availability: () => ({ available: false, reason }),
    run: () => Promise.reject(new Error('must not run')),
  };
  let app: FastifyInstance;
  let user: TestUser;
  beforeAll(async () => {
    app = await buildApp({ config: testConfig(), extraEngines: [browserless], worker: false });
    user = await registerUser(app);
  });
  afterAll(async () => app.close());

  it('is listed as unavailable with the reason', async () => {
    const { engines } = (await app.inject({ url: '/api/engines', headers: user.auth })).json<{
      engines: EngineView[];
    }>();
    expect(engines.find((e) => e.name === 'needs-browser')).toMatchObject({
      available: false,
      unavailableReason: reason,
    });
  });

  it('refuses a test of it with a 400 on /body/type that says what to do', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: user.auth,
      payload: { type: 'needs-browser', url: 'http://127.0.0.1:9/' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ errors: [{ field: '/body/type', message: reason }] });
    expect(res.json().detail).toContain('install Chromium');
  });
});
