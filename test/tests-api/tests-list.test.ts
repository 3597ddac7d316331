import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerUser, type TestUser } from '../support/app.ts';
import { buildQueueApp, cleanRedis, QUEUE_MODES, queueEnv, waitFor } from '../queue/support/queue-app.ts';

interface Row {
  testId: string;
  url: string;
  status: string;
  score: number | null;
}

/** The history the dashboard lists: URL search and each row's score. */
describe.each(QUEUE_MODES.filter((m) => m.driver === 'embedded'))(
  'GET /api/tests search and score ($name)',
  ({ driver, database }) => {
    let app: FastifyInstance;
    let drop: () => Promise<void>;
    let alice: TestUser;
    let bob: TestUser;
    const env = queueEnv(driver);

    beforeAll(async () => {
      const db = await database.create();
      drop = db.drop;
      app = await buildQueueApp(env, db.config);
      await registerUser(app);
      alice = await registerUser(app);
      bob = await registerUser(app);
    });
    afterAll(async () => {
      await app?.close();
      await drop?.();
      await cleanRedis(env);
    });

    const submit = async (user: TestUser, url: string) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/tests',
        headers: user.auth,
        payload: { type: 'sleep', url, options: { ms: 5 } },
      });
      expect(res.statusCode, res.body).toBe(202);
      return res.json<{ testId: string }>().testId;
    };
    const list = async (user: TestUser, query: string) => {
      const res = await app.inject({ method: 'GET', url: `/api/tests?${query}`, headers: user.auth });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: Row[]; nextCursor: string | null }>();
    };

    it('finds the tests whose URL contains the search text, ignoring case, only among your own', async () => {
      const shop = await submit(alice, 'http://127.0.0.1:9/Shop/cart');
      await submit(alice, 'http://127.0.0.1:9/blog');
      await submit(bob, 'http://127.0.0.1:9/shop/bob');

      const found = await list(alice, 'search=sHoP');
      expect(found.items.map((r) => r.testId)).toEqual([shop]);
      expect((await list(alice, 'search=nothing-like-this')).items).toEqual([]);
      // % and _ are plain text, not patterns.
      expect((await list(alice, 'search=%25')).items).toEqual([]);
    });

    it('gives each row its score once the test completed (null before)', async () => {
      const testId = await submit(alice, 'http://127.0.0.1:9/scored');
      const first = (await list(alice, 'search=scored')).items[0]!;
      if (first.status !== 'completed') expect(first.score).toBeNull();
      const done = await waitFor(
        async () => {
          const row = (await list(alice, 'search=scored')).items.find((r) => r.testId === testId);
          return row?.status === 'completed' && row.score !== null ? row : undefined;
        },
        20_000,
        'the completed row with its score',
      );
      expect(done.score).toBe(100);
    });

    it('refuses an empty or over-long search with the field named', async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/tests?search=${'x'.repeat(201)}`,
        headers: alice.auth,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ errors: Array<{ field: string }> }>().errors[0]!.field).toBe('/querystring/search');
    });
  },
);
