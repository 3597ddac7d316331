import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFixtureServer,
  startTlsFixtureServer,
  type FixtureServer,
} from '../fixtures/target-server.fixture.ts';
import { engineHarness } from './engine-harness.ts';

interface AssertionOut {
  source: string;
  comparison: string;
  expected: unknown;
  actual: unknown;
  passed: boolean;
  message?: string;
}

const assertionsOf = (details: Record<string, unknown>) => details.assertions as AssertionOut[];

describe('api engine', () => {
  let server: FixtureServer;
  let tls: FixtureServer;
  const h = engineHarness({ maxResponseBytes: 256 * 1024 });

  beforeAll(async () => {
    server = await startFixtureServer();
    tls = await startTlsFixtureServer();
  });
  afterAll(async () => {
    await h.close();
    await server.close();
    await tls.close();
  });

  it('checks status, headers, JSON paths, schema, body and time, listing expected and actual', async () => {
    const { result } = await h.run('api', `${server.url}/json`, {
      assertions: [
        { source: 'status', comparison: 'equals', target: 200 },
        { source: 'status', comparison: 'in', target: [200, 201] },
        { source: 'header', property: 'x-request-id', comparison: 'exists' },
        { source: 'header', property: 'Content-Type', comparison: 'matches', target: '^application/json' },
        { source: 'jsonPath', property: '$.id', comparison: 'equals', target: 7 },
        { source: 'jsonPath', property: '$.tags', comparison: 'contains', target: 'b' },
        { source: 'jsonPath', property: '$.owner.email', comparison: 'contains', target: '@example.com' },
        { source: 'jsonPath', property: '$.tags.length', comparison: 'equals', target: 2 },
        { source: 'jsonPath', property: '$.missing', comparison: 'notExists' },
        {
          source: 'jsonSchema',
          comparison: 'equals',
          target: {
            type: 'object',
            required: ['id', 'name'],
            properties: { id: { type: 'integer' }, name: { type: 'string' } },
          },
        },
        { source: 'body', comparison: 'contains', target: 'widget' },
        { source: 'responseTime', comparison: 'lessThan', target: 5000 },
        { source: 'jsonPath', property: '$.price', comparison: 'greaterThan', target: 10 },
      ],
    });
    const all = assertionsOf(result.details);
    expect(all).toHaveLength(13);
    expect(all.slice(0, 12).every((a) => a.passed)).toBe(true);
    expect(all[12]).toMatchObject({ passed: false, expected: 10, actual: 9.5 });
    expect(result.passed).toBe(false);
    expect(result.metrics).toMatchObject({
      assertions_total: 13,
      assertions_passed: 12,
      assertions_failed: 1,
      status_code: 200,
    });
    expect(result.findings).toHaveLength(1);
  });

  it('fails a JSON Schema assertion with the reason', async () => {
    const { result } = await h.run('api', `${server.url}/json`, {
      assertions: [
        { source: 'jsonSchema', target: { type: 'object', properties: { id: { type: 'string' } } } },
      ],
    });
    const [a] = assertionsOf(result.details);
    expect(a!.passed).toBe(false);
    expect(a!.message).toMatch(/\/id must be string/);
  });

  it('reports invalid JSON instead of crashing', async () => {
    const { result } = await h.run('api', `${server.url}/bad-json`, {
      assertions: [
        { source: 'jsonPath', property: 'id', comparison: 'equals', target: 1 },
        { source: 'status', comparison: 'equals', target: 200 },
      ],
    });
    const [json, status] = assertionsOf(result.details);
    expect(json).toMatchObject({ passed: false, actual: null });
    expect(json!.message).toMatch(/not valid JSON/);
    expect(status!.passed).toBe(true);
  });

  it('fails a status assertion on a 500 with the actual status', async () => {
    const { result } = await h.run('api', `${server.url}/error`, {
      assertions: [{ source: 'status', comparison: 'lessThan', target: 400 }],
    });
    expect(assertionsOf(result.details)[0]).toMatchObject({ passed: false, actual: 500, expected: 400 });
    expect(result.passed).toBe(false);
  });

  it('carries a value extracted from one step into the next', async () => {
    const { result } = await h.run('api', server.url, {
      steps: [
        {
          name: 'login',
          method: 'POST',
          url: '/login',
          body: { user: 'ada' },
          assertions: [{ source: 'status', comparison: 'equals', target: 200 }],
          extract: [
            { name: 'token', source: 'jsonPath', property: '$.token' },
            { name: 'uid', source: 'jsonPath', property: '$.user.id' },
          ],
        },
        {
          name: 'me',
          url: '/me',
          headers: { authorization: 'Bearer {{token}}' },
          assertions: [{ source: 'jsonPath', property: '$.id', comparison: 'equals', target: 42 }],
        },
      ],
    });
    expect(result.passed).toBe(true);
    expect(result.details.variables).toEqual({ token: 'tok-ada-42', uid: 42 });
    expect(result.metrics).toMatchObject({ steps_total: 2, steps_failed: 0, assertions_passed: 2 });
  });

  it('fails a step that uses a variable nobody extracted', async () => {
    const { result } = await h.run('api', server.url, {
      steps: [
        {
          url: '/me',
          headers: { authorization: 'Bearer {{nope}}' },
          assertions: [{ source: 'status', comparison: 'equals', target: 200 }],
        },
      ],
    });
    expect(result.passed).toBe(false);
    expect(assertionsOf(result.details)[0]!.message).toMatch(/\{\{nope\}\} is not defined/);
  });

  it('reports a reset connection as a failed request', async () => {
    const { result } = await h.run('api', `${server.url}/reset`, {
      assertions: [{ source: 'status', comparison: 'equals', target: 200 }],
    });
    expect(result.passed).toBe(false);
    expect(result.summary).toMatch(/Request failed: .*(reset|socket)/i);
    expect(result.findings[0]!.severity).toBe('critical');
  });

  it('times out with the timeout it was given and fails responseTime', async () => {
    const { result } = await h.run('api', `${server.url}/slow?ms=3000`, {
      timeoutMs: 200,
      assertions: [{ source: 'responseTime', comparison: 'lessThan', target: 100 }],
    });
    expect(result.passed).toBe(false);
    expect(assertionsOf(result.details)[0]!.message).toMatch(/timed out/);
  });

  it('does not follow redirects when told not to', async () => {
    const { result } = await h.run('api', `${server.url}/r1`, {
      followRedirects: false,
      assertions: [
        { source: 'status', comparison: 'equals', target: 301 },
        { source: 'header', property: 'location', comparison: 'equals', target: '/r2' },
      ],
    });
    expect(result.passed).toBe(true);
  });

  it('reports a redirect loop as a failed request', async () => {
    const { result } = await h.run('api', `${server.url}/loop`, {
      assertions: [{ source: 'status', comparison: 'equals', target: 200 }],
    });
    expect(result.passed).toBe(false);
    expect(result.summary).toMatch(/more than 5 redirects/);
  });

  it('caps a huge body and says it was truncated', async () => {
    const { result } = await h.run('api', `${server.url}/huge`, {
      assertions: [{ source: 'status', comparison: 'equals', target: 200 }],
    });
    const step = (result.details.steps as Array<{ bytes: number; truncated: boolean }>)[0]!;
    expect(step).toMatchObject({ bytes: 256 * 1024, truncated: true });
    expect(result.passed).toBe(true);
  });

  it('refuses a self-signed certificate unless insecureTls is set', async () => {
    const strict = await h.run('api', `${tls.url}/json`, {
      assertions: [{ source: 'status', comparison: 'equals', target: 200 }],
    });
    expect(strict.result.passed).toBe(false);
    expect(strict.result.summary).toMatch(/TLS|certificate/i);
    const relaxed = await h.run('api', `${tls.url}/json`, {
      insecureTls: true,
      assertions: [{ source: 'jsonPath', property: '$.name', comparison: 'equals', target: 'widget' }],
    });
    expect(relaxed.result.passed).toBe(true);
  });

  it('stops within 2 s of a cancel', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = h.run('api', `${server.url}/slow?ms=20000`, { timeoutMs: 60_000 }, controller.signal);
    setTimeout(() => controller.abort(), 200);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2200);
  });
});
