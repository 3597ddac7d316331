import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { api, buildAlertsApp, createRule, historyOf, waitFor } from './support/rules-app.ts';

/**
 * The whole path: a schedule runs a real api test every second against a loopback target; the target
 * slows down, the latency rule fires; it recovers, the rule resolves. Nothing here publishes events or
 * calls the evaluator: the scheduler, the queue, the engine and the job handler do.
 */
describe.each(TEST_DATABASES)('a scheduled test fires and resolves a latency rule ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let target: http.Server;
  let targetUrl: string;
  let delayMs = 0;
  let alice: TestUser;

  beforeAll(async () => {
    target = http.createServer((_req, res) => {
      setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
        delayMs,
      );
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
    const db = await database.create();
    drop = db.drop;
    app = await buildAlertsApp({ SCHEDULE_MIN_INTERVAL: '1s' }, db.config);
    await registerUser(app);
    alice = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
    target?.closeAllConnections();
    await new Promise((r) => target?.close(r));
  });

  it('fires when the target slows down and resolves when it recovers', async () => {
    const s = await api(app, alice).post('/api/schedules', {
      name: 'health check',
      type: 'api',
      url: targetUrl,
      interval: '1s',
      options: { assertions: [{ source: 'status', comparison: 'equals', target: 200 }] },
    });
    expect(s.statusCode, s.body).toBe(201);
    const scheduleId = s.json<{ id: string }>().id;
    const rule = await createRule(app, alice, {
      name: 'slow health',
      metricName: 'response_time_ms',
      condition: 'gt',
      threshold: 400,
      forCount: 2,
      channels: ['in_app'],
      scope: { kind: 'tests', testType: 'api', scheduleId },
    });
    const runs = async () =>
      (await api(app, alice).get(`/api/tests?scheduleId=${scheduleId}&status=completed&limit=100`)).json<{
        items: unknown[];
      }>().items.length;
    const fast = await waitFor(async () => ((await runs()) >= 2 ? runs() : 0), 30_000, 'two fast runs');
    expect(await historyOf(app, alice, `&ruleId=${rule.id}`)).toEqual([]);

    delayMs = 700;
    const [firing] = await waitFor(
      async () => {
        const h = await historyOf(app, alice, `&ruleId=${rule.id}`);
        return h.length ? h : undefined;
      },
      60_000,
      'the latency alert',
    );
    expect(firing).toMatchObject({ state: 'firing', seriesKey: targetUrl, severity: 'medium' });
    expect(firing!.metric.value as number).toBeGreaterThan(400);
    expect(firing!.metric.scheduleId).toBe(scheduleId);
    expect(await runs()).toBeGreaterThanOrEqual(fast + 2);

    delayMs = 0;
    const [resolved] = await waitFor(
      async () => {
        const h = await historyOf(app, alice, `&ruleId=${rule.id}`);
        return h[0]?.state === 'resolved' ? h : undefined;
      },
      60_000,
      'the resolution',
    );
    expect(resolved!.id).toBe(firing!.id);
    expect(resolved!.resolvedValue!).toBeLessThan(400);

    // Delivered in the app: an alert_triggered notification in the owner's inbox.
    const inbox = await waitFor(
      async () => {
        const res = await api(app, alice).get('/api/notifications?limit=100');
        const items = res.json<{ items: Array<{ type: string; title: string }> }>().items;
        return items.some((i) => i.type === 'alert_triggered') ? items : undefined;
      },
      30_000,
      'the in-app alert',
    );
    expect(inbox.find((i) => i.type === 'alert_triggered')!.title).toContain('slow health');
    await api(app, alice).post(`/api/schedules/${scheduleId}/pause`);
  }, 180_000);
});
