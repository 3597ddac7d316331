import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEngine } from '../../src/engines/index.ts';
import { registerUser, type TestUser } from '../support/app.ts';
import { buildCacheTestApp, CACHE_MODES, waitFor } from './cache-test-app.ts';

/** Test-only engine; these apps have no worker, so submitted tests stay queued. */
const probe: TestEngine = {
  name: 'cache-list-probe',
  description: 'test only: never runs here',
  options: Type.Object({}, { additionalProperties: false }),
  run: async () => ({ passed: true, score: 1, summary: 'probe', metrics: {}, findings: [], details: {} }),
};

interface Item {
  testId: string;
  status: string;
  progress: number;
  message: string | null;
}

describe.each(CACHE_MODES)('GET /api/tests through the response cache ($name)', (mode) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    const m = await mode.create();
    drop = m.drop;
    ({ app } = await buildCacheTestApp(m.env, { database: m.database, extraEngines: [probe] }));
    admin = await registerUser(app); // the first account is admin
    alice = await registerUser(app);
    bob = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const list = (who: TestUser, query = '', headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url: `/api/tests${query}`, headers: { ...who.auth, ...headers } });
  const items = (res: { json: <T>() => T }) => res.json<{ items: Item[] }>().items;
  const ids = (res: { json: <T>() => T }) => items(res).map((i) => i.testId);
  const item = async (who: TestUser, testId: string) =>
    items(await list(who)).find((i) => i.testId === testId);
  async function submit(who: TestUser): Promise<string> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: who.auth,
      payload: { type: probe.name, url: 'http://127.0.0.1:9/' },
    });
    expect(res.statusCode).toBe(202);
    return res.json<{ testId: string }>().testId;
  }
  /** Changes a test row behind the cache's back (no event), as another process's write would look before its event. */
  const setRow = (testId: string, set: { status?: string; progress?: number; message?: string }) =>
    sql`update test_queue set status = coalesce(${set.status ?? null}, status), progress = coalesce(${set.progress ?? null}, progress), message = coalesce(${set.message ?? null}, message) where test_id = ${testId}`.execute(
      app.database.db,
    );
  /**
   * A cached list: asked until the cache answers (normally the second request). bentocache counts an entry
   * written in the same millisecond as a tag invalidation as invalidated, so right after an event the
   * first store may not stick: a spurious miss, never a stale hit.
   */
  const cached = (who: TestUser, query = '') =>
    waitFor(
      async () => {
        const res = await list(who, query);
        return res.headers['x-cache'] === 'HIT' ? res : null;
      },
      5000,
      `a cached list for ${query || 'no query'}`,
    );
  const base = (testId: string, who: TestUser) => ({
    testId,
    userId: who.id,
    type: probe.name,
    url: 'http://127.0.0.1:9/',
  });

  it('answers a repeated list from the cache with X-Cache: HIT, without reading the database', async () => {
    const testId = await submit(alice);
    const first = await list(alice, '?limit=5');
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(ids(await cached(alice, '?limit=5'))).toContain(testId);
    await setRow(testId, { message: 'changed behind the cache' });
    const second = await list(alice, '?limit=5');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.json()).toEqual(first.json());
  });

  it("shows a submission in the submitter's very next list request, and in the admins' list, but never in another user's", async () => {
    await cached(alice);
    await cached(admin);
    const bobsBefore = await cached(bob);
    const testId = await submit(alice);
    // No waiting: the list must be right as soon as POST /api/tests has answered.
    const mine = await list(alice);
    expect(mine.headers['x-cache']).toBe('MISS');
    expect(ids(mine)[0]).toBe(testId);
    expect(items(mine)[0]).toMatchObject({ status: 'queued' });
    expect(ids(await list(admin))).toContain(testId);
    const bobs = await list(bob);
    expect(ids(bobs)).not.toContain(testId);
    expect(bobs.json()).toEqual(bobsBefore.json());
  });

  it("never serves one user's cached list to another, whatever the query", async () => {
    const alices = await submit(alice);
    const bobs = await submit(bob);
    for (const query of ['', '?limit=50', '?status=queued']) {
      const a = await cached(alice, query);
      const b = await list(bob, query);
      expect(ids(a)).toContain(alices);
      expect(ids(a)).not.toContain(bobs);
      expect(ids(b)).toContain(bobs);
      expect(ids(b)).not.toContain(alices);
    }
  });

  it('keeps separate entries per query: a filter is not answered with the unfiltered list', async () => {
    const testId = await submit(alice);
    await cached(alice, '?limit=50');
    const completed = await list(alice, '?status=completed&limit=50');
    expect(completed.headers['x-cache']).toBe('MISS');
    expect(ids(completed)).not.toContain(testId);
  });

  it.each([
    ['TestStarted', 'running', { attempt: 1 }],
    ['TestCompleted', 'completed', { passed: true, score: 1, metrics: {} }],
    ['TestFailed', 'failed', { error: 'boom', willRetry: false }],
    ['TestCancelled', 'cancelled', {}],
  ] as const)('shows the new status once %s is published', async (event, status, extra) => {
    const testId = await submit(alice);
    await cached(alice);
    await setRow(testId, { status });
    expect((await item(alice, testId))?.status).toBe('queued'); // still the cached list
    await app.events.publish(event, { ...base(testId, alice), ...extra } as never);
    await waitFor(async () => (await item(alice, testId))?.status === status, 5000, `${status} in the list`);
  });

  it("catches up with a test's progress within about a second, even when the database write lands after the event", async () => {
    const testId = await submit(alice);
    await cached(alice);
    await app.events.publish('TestProgress', { ...base(testId, alice), progress: 40, message: 'running' });
    // The list is read again between the event and the progress write (which the worker makes after publishing).
    await waitFor(
      async () => (await list(alice)).headers['x-cache'] === 'MISS',
      5000,
      'the progress event to drop the list',
    );
    await cached(alice);
    await setRow(testId, { progress: 40, message: 'running' });
    await waitFor(async () => (await item(alice, testId))?.progress === 40, 5000, 'progress 40 in the list');
  });

  it('Cache-Control: no-cache skips the lookup and refreshes the entry', async () => {
    const testId = await submit(alice);
    await cached(alice, '?limit=7');
    await setRow(testId, { message: 'fresh' });
    const fresh = await list(alice, '?limit=7', { 'cache-control': 'no-cache' });
    expect(fresh.headers['x-cache']).toBe('MISS');
    expect(items(fresh).find((i) => i.testId === testId)?.message).toBe('fresh');
    // The fresh response replaced the entry (stored after the response, so wait for the hit).
    const after = await waitFor(
      async () => {
        const res = await list(alice, '?limit=7');
        return res.headers['x-cache'] === 'HIT' ? res : null;
      },
      5000,
      'the refreshed entry',
    );
    expect(after.json()).toEqual(fresh.json());
  });
});

describe.skipIf(!CACHE_MODES.some((m) => m.name === 'services'))(
  'GET /api/tests across two API processes (services mode)',
  () => {
    const services = CACHE_MODES.find((m) => m.name === 'services')!;
    let a: FastifyInstance;
    let b: FastifyInstance;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const m = await services.create();
      drop = m.drop;
      ({ app: a } = await buildCacheTestApp(m.env, { database: m.database, extraEngines: [probe] }));
      ({ app: b } = await buildCacheTestApp(m.env, { database: m.database, extraEngines: [probe] }));
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await drop?.();
    });

    it('a submission on one process reaches the list cached on another within the bus delay', async () => {
      await registerUser(a); // admin
      const user = await registerUser(a); // same secrets: B accepts A's tokens
      const onB = () => b.inject({ method: 'GET', url: '/api/tests', headers: user.auth });
      await onB();
      expect((await onB()).headers['x-cache']).toBe('HIT');
      const created = await a.inject({
        method: 'POST',
        url: '/api/tests',
        headers: user.auth,
        payload: { type: probe.name, url: 'http://127.0.0.1:9/' },
      });
      const testId = created.json<{ testId: string }>().testId;
      await waitFor(
        async () => (await onB()).json<{ items: Item[] }>().items.some((i) => i.testId === testId),
        5000,
        'the submission in the list on B',
      );
    });
  },
);
