import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { TestEngine } from '../../src/engines/engine.ts';
import { registerUser, testConfig, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { waitFor } from './cache-test-app.ts';

/** Test-only engine: measures nothing, returns a result at once. */
const probeEngine: TestEngine = {
  name: 'cache-probe',
  description: 'test only: returns a fixed result',
  options: Type.Object({}, { additionalProperties: false }),
  run: async () => ({
    passed: true,
    score: 90,
    summary: 'first run',
    metrics: { probe: 1 },
    findings: [],
    details: {},
  }),
};

describe.each(TEST_DATABASES)('GET /api/tests/:testId/result through the cache ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let owner: TestUser;
  let admin: TestUser;
  let other: TestUser;
  let testId: string;

  const result = (who: TestUser, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: `/api/tests/${testId}/result`, headers: { ...who.auth, ...headers } });
  const stats = async () => (await app.cache.stats()).namespaces['test:result']!;
  const setSummary = (summary: string) =>
    sql`update test_results set summary = ${summary} where test_id = ${testId}`.execute(app.database.db);

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildApp({
      config: testConfig({ AUTH_RATE_LIMIT_IP: '1000/1m' }, db.config),
      extraEngines: [probeEngine],
    });
    await app.ready();
    admin = await registerUser(app);
    owner = await registerUser(app);
    other = await registerUser(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: owner.auth,
      payload: { type: 'cache-probe', url: 'http://127.0.0.1:9/' },
    });
    expect(created.statusCode).toBe(202);
    testId = created.json<{ testId: string }>().testId;
    await waitFor(
      async () =>
        (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: owner.auth })).json<{
          status: string;
        }>().status === 'completed',
      20_000,
    );
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('reads the database once and then answers from the cache', async () => {
    const before = await stats();
    const first = await result(owner);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ testId, summary: 'first run', score: 90 });
    await setSummary('changed behind the cache');
    const second = await result(owner);
    expect(second.json()).toEqual(first.json());
    const after = await stats();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(1);
  });

  it('says X-Cache: MISS when it read the database and HIT when the cache answered', async () => {
    await app.cache.del(`test:result:${testId}`);
    const first = await result(owner);
    expect(first.headers['x-cache']).toBe('MISS');
    const second = await result(owner);
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.json()).toEqual(first.json());
    expect((await result(admin)).headers['x-cache']).toBe('HIT');
  });

  it('keeps the serialized answer and sends a hit as the same bytes, with a JSON content type', async () => {
    await app.cache.del(`test:result:${testId}`);
    const miss = await result(owner);
    const entry = await app.cache.get<{ ownerId: string; body: string }>(`test:result:${testId}`);
    expect(entry).toEqual({ ownerId: owner.id, body: miss.body });
    const hit = await result(owner);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toBe(miss.body);
    expect(hit.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('serves an entry in the shape stored before (owner and result object) after an upgrade', async () => {
    const fresh = (await result(owner, { 'cache-control': 'no-cache' })).json<Record<string, unknown>>();
    const old = { ...fresh, summary: 'stored by the previous version' };
    await app.cache.set(`test:result:${testId}`, { ownerId: owner.id, result: old });
    const res = await result(owner);
    expect(res.headers['x-cache']).toBe('HIT');
    expect(res.json()).toEqual(old);
    expect((await result(other)).statusCode).toBe(404);
  });

  it('Cache-Control: no-cache reads the database and refreshes the entry', async () => {
    await setSummary('before no-cache');
    await app.cache.del(`test:result:${testId}`);
    await result(owner);
    await setSummary('after no-cache');
    expect((await result(owner)).json()).toMatchObject({ summary: 'before no-cache' });
    const fresh = await result(owner, { 'cache-control': 'no-cache' });
    expect(fresh.headers['x-cache']).toBe('MISS');
    expect(fresh.json()).toMatchObject({ summary: 'after no-cache' });
    const next = await result(owner);
    expect(next.headers['x-cache']).toBe('HIT');
    expect(next.json()).toMatchObject({ summary: 'after no-cache' });
  });

  it("Cache-Control: no-cache from another user is a 404 and leaves the owner's entry alone", async () => {
    await setSummary('owner entry');
    await app.cache.del(`test:result:${testId}`);
    await result(owner);
    const res = await result(other, { 'cache-control': 'no-cache' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('owner entry');
    const mine = await result(owner);
    expect(mine.headers['x-cache']).toBe('HIT');
    expect(mine.json()).toMatchObject({ summary: 'owner entry' });
  });

  it('answers 404 to another user even from a cached entry, and 200 to an admin', async () => {
    await result(owner);
    const res = await result(other);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('summary');
    expect((await result(admin)).statusCode).toBe(200);
  });

  it('stores nothing when another user asks first, then serves the owner', async () => {
    await app.cache.del(`test:result:${testId}`);
    expect((await result(other)).statusCode).toBe(404);
    expect(await app.cache.get(`test:result:${testId}`)).toBeUndefined();
    expect((await result(owner)).statusCode).toBe(200);
  });

  it.each(['TestCompleted', 'TestQueued', 'TestFailed', 'TestCancelled'] as const)(
    'drops the cached result when %s is published',
    async (event) => {
      await setSummary(`before ${event}`);
      await app.cache.del(`test:result:${testId}`);
      expect((await result(owner)).json()).toMatchObject({ summary: `before ${event}` });
      await setSummary(`after ${event}`);
      expect((await result(owner)).json()).toMatchObject({ summary: `before ${event}` });
      const base = { testId, userId: owner.id, type: 'cache-probe', url: 'http://127.0.0.1:9/' };
      const payloads = {
        TestCompleted: { ...base, passed: true, score: 90, metrics: {} },
        TestQueued: { ...base, priority: 0 },
        TestFailed: { ...base, error: 'x', willRetry: false },
        TestCancelled: base,
      };
      await app.events.publish(event, payloads[event] as never);
      await waitFor(
        async () => (await result(owner)).json<{ summary: string }>().summary === `after ${event}`,
      );
    },
  );

  it('does not cache a 404 for a test without a result', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await app.inject({ method: 'GET', url: `/api/tests/${missing}/result`, headers: owner.auth });
    expect(res.statusCode).toBe(404);
    expect(await app.cache.get(`test:result:${missing}`)).toBeUndefined();
  });
});
