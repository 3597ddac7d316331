/**
 * What POST /api/tests refuses before anything is queued: options above the operator caps, headers an
 * engine must not send, and targets the engines would refuse or could not reach.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { startEngineFixture, type EngineFixture } from './engine-fixtures.ts';

interface ProblemBody {
  status: number;
  code: string;
  detail: string;
  errors: Array<{ field: string; message: string }>;
}

// Not the defaults (1000, 10m, 10000): the caps must come from the configuration.
const CAPS = { STRESS_MAX_USERS: '500', STRESS_MAX_DURATION: '5m', STRESS_MAX_RATE: '2000' };

function harness(env: Record<string, string>) {
  const ctx = { app: undefined as unknown as FastifyInstance, user: undefined as unknown as TestUser };
  beforeAll(async () => {
    ctx.app = await buildTestApp({ ...CAPS, ...env });
    ctx.user = await registerUser(ctx.app);
  });
  afterAll(async () => {
    await ctx.app?.close();
  });
  const submit = (payload: object) =>
    ctx.app.inject({ method: 'POST', url: '/api/tests', headers: ctx.user.auth, payload });
  /** Submits, expects a 400 problem+json, and returns it. */
  const refused = async (payload: object): Promise<ProblemBody> => {
    const res = await submit(payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    return res.json<ProblemBody>();
  };
  const stored = async () =>
    (await ctx.app.inject({ url: '/api/tests', headers: ctx.user.auth })).json<{ items: unknown[] }>().items;
  return { submit, refused, stored };
}

describe('submission: stress options above the operator caps', () => {
  const { refused, stored } = harness({ ALLOW_PRIVATE_TARGETS: 'true' });
  const url = 'http://127.0.0.1:9/load';

  it.each([
    [{ vus: 1001 }, '/body/options/vus', 'at most 500', 'STRESS_MAX_USERS'],
    [{ vus: 501 }, '/body/options/vus', 'at most 500', 'STRESS_MAX_USERS'],
    [{ duration: '99999h' }, '/body/options/duration', 'above the 300 s', 'STRESS_MAX_DURATION'],
    [{ duration: 301 }, '/body/options/duration', 'above the 300 s', 'STRESS_MAX_DURATION'],
    [{ rate: 1_000_000, duration: '10s' }, '/body/options/rate', 'at most 2000', 'STRESS_MAX_RATE'],
    [{ rate: 2001, duration: '10s' }, '/body/options/rate', 'at most 2000', 'STRESS_MAX_RATE'],
    [
      { pattern: 'ramp-up', startVus: 501, vus: 500, duration: '1m' },
      '/body/options/startVus',
      'at most 500',
      'STRESS_MAX_USERS',
    ],
    [
      {
        stages: [
          { duration: '10s', target: 5 },
          { duration: '10s', target: 1001 },
        ],
      },
      '/body/options/stages/1/target',
      'at most 500',
      'STRESS_MAX_USERS',
    ],
    [
      {
        stages: [
          { duration: '2m', target: 5 },
          { duration: '2m', target: 5 },
          { duration: '2m', target: 0 },
        ],
      },
      '/body/options/stages/2/duration',
      'above the 300 s',
      'STRESS_MAX_DURATION',
    ],
  ])('refuses %j with 400 naming %s (%s, %s), and queues nothing', async (options, field, cap, variable) => {
    const problem = await refused({ type: 'stress', url, options });
    expect(problem.code).toBe('ERR_VALIDATION');
    expect(problem.errors).toEqual([
      { field, message: expect.stringMatching(new RegExp(`${cap}.*${variable}`)) },
    ]);
    expect(problem.detail).toContain(variable);
    expect(await stored()).toEqual([]);
  });

  it('names every option above a cap at once', async () => {
    const problem = await refused({ type: 'stress', url, options: { vus: 5000, duration: '2h' } });
    expect(problem.errors.map((e) => e.field).sort()).toEqual([
      '/body/options/duration',
      '/body/options/vus',
    ]);
  });

  it.each(['0s', '0ms', '0.0m', 0])('refuses a zero duration (%j)', async (duration) => {
    const problem = await refused({ type: 'stress', url, options: { duration } });
    expect(problem.errors.map((e) => e.field)).toEqual(['/body/options/duration']);
  });

  it('refuses stages that never have a user', async () => {
    const problem = await refused({
      type: 'stress',
      url,
      options: { stages: [{ duration: '5s', target: 0 }] },
    });
    expect(problem.errors).toEqual([
      { field: '/body/options/stages', message: expect.stringMatching(/never have a user/) },
    ]);
  });
});

describe('submission: request headers', () => {
  const { refused, stored } = harness({ ALLOW_PRIVATE_TARGETS: 'true' });
  const url = 'http://127.0.0.1:9/h';

  it.each([
    [
      'api',
      { headers: { 'X-Test\r\nInjected': 'yes' } },
      '/body/options/headers/X-Test\r\nInjected',
      /not a valid header name/,
    ],
    ['api', { headers: { 'X Space': 'yes' } }, '/body/options/headers/X Space', /not a valid header name/],
    [
      'performance',
      { headers: { 'X-Ok': 'a\r\nInjected: 1' } },
      '/body/options/headers/X-Ok',
      /CR, LF or NUL/,
    ],
    ['stress', { headers: { 'X-Ok': 'line\nbreak' } }, '/body/options/headers/X-Ok', /CR, LF or NUL/],
    [
      'stress',
      { headers: { Host: 'internal.example.test' } },
      '/body/options/headers/Host',
      /cannot be overridden/,
    ],
    [
      'performance',
      { headers: { 'content-LENGTH': '0' } },
      '/body/options/headers/content-LENGTH',
      /cannot be overridden/,
    ],
    ['api', { headers: { Connection: 'close' } }, '/body/options/headers/Connection', /cannot be overridden/],
    [
      'api',
      { steps: [{ url: '/x', headers: { 'Transfer-Encoding': 'chunked' } }] },
      '/body/options/steps/0/headers/Transfer-Encoding',
      /cannot be overridden/,
    ],
  ])('%s: refuses %j with 400 naming the header', async (type, options, field, message) => {
    const problem = await refused({ type, url, options });
    expect(problem.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
    expect(await stored()).toEqual([]);
  });
});

describe('submission: targets on a server that refuses private targets', () => {
  let fixture: EngineFixture;
  const { refused, stored } = harness({ ALLOW_PRIVATE_TARGETS: 'false' });
  beforeAll(async () => {
    fixture = await startEngineFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it.each([
    ['http://[::127.0.0.1]/', /loopback \(IPv4-compatible ::\/96, embedding 127\.0\.0\.1\)/],
    ['http://[2002:7f00:1::]/', /loopback \(6to4 2002::\/16, embedding 127\.0\.0\.1\)/],
    [
      'http://[64:ff9b::a9fe:a9fe]/latest/meta-data/',
      /cloud metadata \(NAT64 64:ff9b::\/96, embedding 169\.254\.169\.254\)/,
    ],
    [
      'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
      /loopback \(Teredo 2001::\/32, embedding 127\.0\.0\.1\)/,
    ],
    ['http://[::ffff:a00:1]/', /private/],
  ])('refuses %s, naming the embedded address', async (target, reason) => {
    const problem = await refused({ type: 'api', url: target });
    expect(problem.errors.map((e) => e.field)).toEqual(['/body/url']);
    expect(problem.detail).toMatch(reason);
  });

  it('refuses a name that resolves to a private address', async () => {
    const problem = await refused({ type: 'api', url: `http://localhost:${fixture.port}/` });
    expect(problem.errors.map((e) => e.field)).toEqual(['/body/url']);
    expect(problem.detail).toMatch(/localhost resolves to/);
  });

  it.each(['http://no-such-host.invalid/', 'http://nothing-here.test/'])(
    'refuses %s, which does not resolve',
    async (target) => {
      const problem = await refused({ type: 'api', url: target });
      expect(problem.errors).toEqual([
        { field: '/body/url', message: expect.stringMatching(/^does not resolve/) },
      ]);
    },
  );

  it('refuses localhost. (with the trailing dot) whether or not the resolver answers for it', async () => {
    const problem = await refused({ type: 'api', url: `http://localhost.:${fixture.port}/` });
    expect(problem.errors).toEqual([
      { field: '/body/url', message: expect.stringMatching(/does not resolve|loopback, private/) },
    ]);
    expect(await stored()).toEqual([]);
  });
});

describe('submission: targets on a server that allows private targets', () => {
  let fixture: EngineFixture;
  const { submit, refused } = harness({ ALLOW_PRIVATE_TARGETS: 'true' });
  beforeAll(async () => {
    fixture = await startEngineFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it.each([() => `${fixture.url}/echo`, () => `http://localhost:${fixture.port}/echo`])(
    'accepts a loopback target',
    async (target) => {
      const res = await submit({ type: 'api', url: target() });
      expect(res.statusCode, res.body).toBe(202);
    },
  );

  it('still refuses a name that does not resolve', async () => {
    const problem = await refused({ type: 'api', url: 'http://no-such-host.invalid/' });
    expect(problem.errors).toEqual([
      { field: '/body/url', message: expect.stringMatching(/^does not resolve/) },
    ]);
  });
});
