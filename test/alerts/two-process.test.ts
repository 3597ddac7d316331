import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { REDIS_URL, TEST_DATABASES, type TestDatabase } from '../support/databases.ts';
import { dropPrefix, uniquePrefix } from '../support/redis.ts';
import { buildAlertsApp, completed, createRule, historyOf, noticesOf, waitFor } from './support/rules-app.ts';

/**
 * Two processes evaluating the same events fire once: two app instances on one PostgreSQL database
 * (on PGlite, which one process owns, two evaluations of each event at once in that process).
 */
describe.each(TEST_DATABASES)('alert evaluation in two processes ($name)', (database: TestDatabase) => {
  let apps: FastifyInstance[];
  let drop: () => Promise<void>;
  let alice: TestUser;
  // On PostgreSQL with Redis the two instances share the event bus, as services mode does.
  const shared = database.name === 'postgres' && REDIS_URL !== undefined;
  const prefix = uniquePrefix('alerts2p');
  const env: Record<string, string> = shared ? { REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: prefix } : {};

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    const first = await buildAlertsApp(env, db.config, { worker: false });
    apps =
      database.name === 'postgres'
        ? [first, await buildAlertsApp(env, db.config, { worker: false })]
        : [first, first];
    await registerUser(apps[0]!);
    alice = await registerUser(apps[0]!);
  });
  afterAll(async () => {
    await Promise.all([...new Set(apps ?? [])].map((a) => a.close()));
    await drop?.();
    if (shared) await dropPrefix(prefix);
  });

  it('stores one history row and one notice per state change when both evaluate every event at once', async () => {
    const url = 'http://twice.test/';
    const rule = await createRule(apps[0]!, alice, {
      metricName: 'ttfb_ms',
      condition: 'gt',
      threshold: 100,
      forCount: 2,
      scope: { kind: 'tests', urlGlob: url },
    });
    // Breach, breach (fires), healthy (resolves), five times over.
    const values = Array.from({ length: 5 }, () => [500, 500, 10]).flat();
    // Notices per event: the second breach fires, the healthy result resolves (a double evaluation
    // would fire on the first breach: two breaches counted for one event).
    const told: number[] = [];
    for (const v of values) {
      const event = completed(alice, url, { ttfb_ms: v });
      const notices = await Promise.all(apps.map((a) => a.alerts.evaluator.completed(event)));
      told.push(notices.reduce((x, y) => x + y, 0));
    }
    expect(told).toEqual(Array.from({ length: 5 }, () => [0, 1, 1]).flat());
    const alerts = await historyOf(apps[1]!, alice, `&ruleId=${rule.id}`);
    expect(alerts.map((a) => a.state)).toEqual(Array(5).fill('resolved'));
    const notices = await noticesOf(apps[0]!, rule.id);
    expect(notices.filter((e) => e === 'alert.triggered')).toHaveLength(5);
    expect(notices.filter((e) => e === 'alert.resolved')).toHaveLength(5);
  });

  it.skipIf(!shared)(
    'resolves in one process a series another process fired (AlertSeriesChanged over the bus)',
    async () => {
      const [a, b] = apps as [FastifyInstance, FastifyInstance];
      const url = 'http://across.test/';
      // b compiles the owner's rules once it has heard of the new rule (so nothing reloads them after).
      const heard = new Promise<void>((resolve) => b.events.subscribe('AlertRulesChanged', () => resolve()));
      const rule = await createRule(a, alice, {
        metricName: 'ttfb_ms',
        condition: 'gt',
        threshold: 100,
        scope: { kind: 'tests', urlGlob: url },
      });
      await heard;
      expect(await b.alerts.evaluator.completed(completed(alice, url, { ttfb_ms: 10 }))).toBe(0);
      expect(await a.alerts.evaluator.completed(completed(alice, url, { ttfb_ms: 500 }))).toBe(1);
      // b knew the series as ok; the event tells it otherwise, and its next healthy result resolves it.
      await waitFor(
        async () => (await b.alerts.evaluator.completed(completed(alice, url, { ttfb_ms: 10 }))) === 1,
        10_000,
        'b resolving',
      );
      expect((await historyOf(a, alice, `&ruleId=${rule.id}`)).map((h) => h.state)).toEqual(['resolved']);
    },
  );
});
