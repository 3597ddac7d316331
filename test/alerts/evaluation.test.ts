import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import type { EventMap } from '../../src/shared/events/index.ts';
import {
  api,
  buildAlertsApp,
  completed,
  createRule,
  historyOf,
  noticesOf,
  testClock,
  waitFor,
  type AlertJson,
} from './support/rules-app.ts';

const MINUTE = 60_000;
let n = 0;
const urlOf = (what: string) => `http://shop.test/${what}-${++n}`;

describe.each(TEST_DATABASES)('alert evaluation ($name)', (database) => {
  const clock = testClock();
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    // No worker: the suite runs the reminder ticker itself, on the moved clock.
    app = await buildAlertsApp({ ALERT_HISTORY_RETENTION: '1h' }, db.config, { clock, worker: false });
    admin = await registerUser(app);
    alice = await registerUser(app);
    bob = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const evaluate = (
    who: TestUser,
    url: string,
    metrics: Record<string, number>,
    extra: Partial<EventMap['TestCompleted']> = {},
  ) => app.alerts.evaluator.completed(completed(who, url, metrics, extra));
  const alertsOf = async (ruleId: string, who = alice) => historyOf(app, who, `&ruleId=${ruleId}`);
  const rule = (who: TestUser, url: string, body: Record<string, unknown>) =>
    createRule(app, who, { metricName: 'response_time_ms', scope: { kind: 'tests', urlGlob: url }, ...body });

  it.each([
    ['gt', 500, 500, 500.001],
    ['lt', 100, 100, 99.999],
    ['gte', 500, 499.999, 500],
    ['lte', 100, 100.001, 100],
    ['eq', 0.3, 0.3001, 0.1 + 0.2],
    ['neq', 200, 200, 201],
  ] as const)('%s %s: %s is healthy, %s breaches', async (condition, threshold, healthy, breaching) => {
    const url = urlOf(condition);
    const r = await rule(alice, url, { condition, threshold });
    await evaluate(alice, url, { response_time_ms: healthy });
    expect(await alertsOf(r.id)).toEqual([]);
    await evaluate(alice, url, { response_time_ms: breaching });
    const [alert] = await alertsOf(r.id);
    expect(alert).toMatchObject({
      state: 'firing',
      seriesKey: url,
      metric: { name: 'response_time_ms', value: breaching },
    });
  });

  it('absent breaches when the metric is missing and is healthy when it is there', async () => {
    const url = urlOf('absent');
    const r = await rule(alice, url, {
      metricName: 'ttfb_ms',
      condition: 'absent',
      threshold: null,
      notifyOnResolve: true,
    });
    await evaluate(alice, url, { ttfb_ms: 12 });
    expect(await alertsOf(r.id)).toEqual([]);
    await evaluate(alice, url, { response_time_ms: 12 });
    expect((await alertsOf(r.id))[0]).toMatchObject({ state: 'firing', metric: { value: null } });
    await evaluate(alice, url, { ttfb_ms: 12 });
    expect((await alertsOf(r.id))[0]).toMatchObject({ state: 'resolved', resolvedValue: 12 });
    expect(await noticesOf(app, r.id)).toEqual(['alert.triggered', 'alert.resolved']);
  });

  it('fires on a test that failed for good (absent, passed = 0), not on one that will be retried', async () => {
    const url = urlOf('failed');
    const absent = await rule(alice, url, { condition: 'absent', threshold: null });
    const passed = await rule(alice, url, { metricName: 'passed', condition: 'eq', threshold: 0 });
    const failed = (willRetry: boolean): EventMap['TestFailed'] => ({
      testId: crypto.randomUUID(),
      runId: crypto.randomUUID(),
      userId: alice.id,
      type: 'api',
      url,
      scheduleId: null,
      tags: [],
      error: 'refused',
      willRetry,
    });
    await app.alerts.evaluator.failed(failed(true));
    expect(await alertsOf(absent.id)).toEqual([]);
    await app.alerts.evaluator.failed(failed(false));
    expect((await alertsOf(absent.id)).map((a) => a.state)).toEqual(['firing']);
    expect((await alertsOf(passed.id)).map((a) => a.state)).toEqual(['firing']);
  });

  it('fires after forCount breaches in a row and resolves after resolveCount healthy results', async () => {
    const url = urlOf('counts');
    const r = await rule(alice, url, { condition: 'gt', threshold: 100, forCount: 3, resolveCount: 2 });
    const feed = async (...values: number[]) => {
      for (const v of values) await evaluate(alice, url, { response_time_ms: v });
    };
    await feed(200, 200, 50, 200, 200); // a healthy result breaks the streak
    expect(await alertsOf(r.id)).toEqual([]);
    await feed(200);
    expect((await alertsOf(r.id)).map((a) => a.state)).toEqual(['firing']);
    await feed(50, 200, 50); // one healthy, then a breach: the healthy streak starts again
    expect((await alertsOf(r.id)).map((a) => a.state)).toEqual(['firing']);
    await feed(50);
    expect((await alertsOf(r.id)).map((a) => a.state)).toEqual(['resolved']);
    expect(await noticesOf(app, r.id)).toEqual(['alert.triggered', 'alert.resolved']);
  });

  it('evaluates one event once: the same run again is a no-op', async () => {
    const url = urlOf('dup');
    const r = await rule(alice, url, { condition: 'gt', threshold: 1, forCount: 2 });
    const event = completed(alice, url, { response_time_ms: 5 });
    await app.alerts.evaluator.completed(event);
    await app.alerts.evaluator.completed(event);
    expect(await alertsOf(r.id)).toEqual([]);
    await evaluate(alice, url, { response_time_ms: 5 });
    expect(await alertsOf(r.id)).toHaveLength(1);
  });

  it('does not notify a second firing inside the cooldown, and does after it', async () => {
    const url = urlOf('cooldown');
    const r = await rule(alice, url, { condition: 'gt', threshold: 1, cooldown: 600 });
    const flap = async () => {
      await evaluate(alice, url, { response_time_ms: 5 });
      await evaluate(alice, url, { response_time_ms: 0 });
    };
    await flap();
    clock.offsetMs += 5 * MINUTE;
    await flap(); // 5 min after the first firing notice: inside the cooldown
    expect((await alertsOf(r.id)).map((a) => a.state)).toEqual(['resolved', 'resolved']);
    expect(await noticesOf(app, r.id)).toEqual(['alert.triggered', 'alert.resolved']);
    clock.offsetMs += 6 * MINUTE;
    await flap(); // 11 min: past it
    expect(await noticesOf(app, r.id)).toEqual([
      'alert.triggered',
      'alert.resolved',
      'alert.triggered',
      'alert.resolved',
    ]);
  });

  it('sends a reminder every repeatInterval while firing, none once resolved', async () => {
    const url = urlOf('remind');
    const r = await rule(alice, url, { condition: 'gt', threshold: 1, repeatInterval: 60 });
    await evaluate(alice, url, { response_time_ms: 5 });
    clock.offsetMs += 30_000;
    expect(await app.alerts.ticker.tick()).toBe(0);
    clock.offsetMs += 31_000;
    await app.alerts.ticker.tick();
    expect(await noticesOf(app, r.id)).toEqual(['alert.triggered', 'alert.reminder']);
    clock.offsetMs += 61_000;
    await app.alerts.ticker.tick();
    expect((await alertsOf(r.id))[0]!.remindersSent).toBe(2);
    await evaluate(alice, url, { response_time_ms: 0 });
    clock.offsetMs += 120_000;
    await app.alerts.ticker.tick();
    expect(await noticesOf(app, r.id)).toEqual([
      'alert.triggered',
      'alert.reminder',
      'alert.reminder',
      'alert.resolved',
    ]);
  });

  it('tracks state while muted but sends nothing, and notifies again once the mute is over', async () => {
    const url = urlOf('mute');
    const mutedUntil = new Date(clock.now() + 10 * MINUTE).toISOString();
    const r = await rule(alice, url, { condition: 'gt', threshold: 1, repeatInterval: 60, mutedUntil });
    await evaluate(alice, url, { response_time_ms: 5 });
    clock.offsetMs += 2 * MINUTE;
    await app.alerts.ticker.tick();
    expect((await alertsOf(r.id)).map((a) => [a.state, a.remindersSent])).toEqual([['firing', 0]]);
    expect(await noticesOf(app, r.id)).toEqual([]);
    clock.offsetMs += 10 * MINUTE; // the mute is over: reminders of the episode resume
    await app.alerts.ticker.tick();
    expect(await noticesOf(app, r.id)).toEqual(['alert.reminder']);
    await evaluate(alice, url, { response_time_ms: 0 }); // its firing was never told: nor is its resolve
    await evaluate(alice, url, { response_time_ms: 5 });
    expect(await noticesOf(app, r.id)).toEqual(['alert.reminder', 'alert.triggered']);
  });

  it('tracks each URL of a glob separately, and matches test type, schedule and tags', async () => {
    const r = await createRule(app, alice, {
      metricName: 'ttfb_ms',
      condition: 'gt',
      threshold: 100,
      scope: { kind: 'tests', testType: 'api', urlGlob: 'http://glob.test/**', tags: ['prod'] },
    });
    const prod = { tags: ['prod', 'eu'] };
    await evaluate(alice, 'http://glob.test/a', { ttfb_ms: 500 }, prod);
    await evaluate(alice, 'http://glob.test/b/c', { ttfb_ms: 500 }, prod);
    await evaluate(alice, 'http://other.test/a', { ttfb_ms: 500 }, prod);
    await evaluate(alice, 'http://glob.test/d', { ttfb_ms: 500 }, { tags: ['eu'] });
    await evaluate(alice, 'http://glob.test/e', { ttfb_ms: 500 }, { ...prod, type: 'performance' });
    await evaluate(bob, 'http://glob.test/f', { ttfb_ms: 500 }, prod);
    expect((await alertsOf(r.id)).map((a) => a.seriesKey).sort()).toEqual([
      'http://glob.test/a',
      'http://glob.test/b/c',
    ]);
  });

  it('is driven by the TestCompleted event on the bus', async () => {
    const url = urlOf('bus');
    const r = await rule(alice, url, { condition: 'gt', threshold: 1 });
    await app.events.publish('TestCompleted', completed(alice, url, { response_time_ms: 9 }));
    await waitFor(async () => (await alertsOf(r.id)).length === 1, 10_000, 'the alert');
  });

  it('evaluates a changed rule by its new threshold, and a deactivated one not at all', async () => {
    const url = urlOf('changed');
    const r = await rule(alice, url, { condition: 'gt', threshold: 100 });
    await evaluate(alice, url, { response_time_ms: 50 });
    await api(app, alice).put(`/api/alerts/rules/${r.id}`, { threshold: 10 });
    await evaluate(alice, url, { response_time_ms: 50 });
    expect((await alertsOf(r.id)).map((a) => a.state)).toEqual(['firing']);
    await api(app, alice).put(`/api/alerts/rules/${r.id}`, { isActive: false });
    expect((await alertsOf(r.id)).map((a) => a.state)).toEqual(['resolved']);
    await evaluate(alice, url, { response_time_ms: 50 });
    expect((await alertsOf(r.id)).map((a) => a.state)).toEqual(['resolved']);
  });

  it('fires a platform rule on a sample, per instance, in the admin history', async () => {
    const r = await createRule(app, admin, {
      name: 'backlog',
      metricName: 'queueWaiting',
      condition: 'gt',
      threshold: 100,
      scope: { kind: 'platform' },
    });
    const sample = (instanceId: string, queueWaiting: number) =>
      ({
        instanceId,
        role: 'worker',
        at: new Date(clock.now()).toISOString(),
        queueWaiting,
      }) as unknown as EventMap['PlatformSampled'];
    await app.alerts.evaluator.sampled(sample('i-1', 150));
    await app.alerts.evaluator.sampled(sample('i-2', 50));
    const alerts = await historyOf(app, admin, `&ruleId=${r.id}`);
    expect(alerts.map((a) => [a.seriesKey, a.state])).toEqual([['i-1', 'firing']]);
    expect(alerts[0]).toMatchObject({ metric: { instanceId: 'i-1', value: 150 } });
    expect(await historyOf(app, alice, `&ruleId=${r.id}`)).toEqual([]);
  });

  it('filters and pages the history, owner-scoped, and acknowledges once', async () => {
    const url = urlOf('history');
    const high = await rule(alice, url, { condition: 'gt', threshold: 1, severity: 'high' });
    const low = await rule(alice, url, { condition: 'gt', threshold: 2, severity: 'low' });
    const from = new Date(clock.now()).toISOString();
    await evaluate(alice, url, { response_time_ms: 5 });
    await evaluate(alice, url, { response_time_ms: 1.5 }); // resolves `low` only
    const mine = await historyOf(app, alice, `&from=${encodeURIComponent(from)}`);
    expect(mine.map((a) => a.ruleId).sort()).toEqual([high.id, low.id].sort());
    expect(
      (await historyOf(app, alice, `&from=${encodeURIComponent(from)}&severity=high`)).map((a) => a.ruleId),
    ).toEqual([high.id]);
    expect(
      (await historyOf(app, alice, `&from=${encodeURIComponent(from)}&state=resolved`)).map((a) => a.ruleId),
    ).toEqual([low.id]);
    expect(await historyOf(app, alice, `&to=${encodeURIComponent(from)}&ruleId=${high.id}`)).toEqual([]);
    expect(await historyOf(app, bob, `&ruleId=${high.id}`)).toEqual([]);
    expect((await historyOf(app, admin, `&ruleId=${high.id}`)).length).toBe(1);
    const page = (await api(app, alice).get('/api/alerts/history?limit=1')).json<{
      items: AlertJson[];
      nextCursor: string;
    }>();
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toBeTruthy();
    expect((await api(app, alice).get('/api/alerts/history?state=open')).statusCode).toBe(400);

    const id = (await alertsOf(high.id))[0]!.id;
    expect((await api(app, bob).post(`/api/alerts/${id}/acknowledge`)).statusCode).toBe(404);
    const first = await api(app, alice).post(`/api/alerts/${id}/acknowledge`);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ acknowledgedBy: alice.id });
    clock.offsetMs += MINUTE;
    const again = await api(app, admin).post(`/api/alerts/${id}/acknowledge`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      acknowledgedBy: alice.id,
      acknowledgedAt: first.json<AlertJson>().acknowledgedAt,
    });
  });

  it('deletes resolved alerts after ALERT_HISTORY_RETENTION, keeps firing ones', async () => {
    const url = urlOf('retention');
    const r = await rule(alice, url, { condition: 'gt', threshold: 1 });
    const firing = await rule(alice, url, { condition: 'gt', threshold: 0.5 });
    await evaluate(alice, url, { response_time_ms: 5 });
    await evaluate(alice, url, { response_time_ms: 0.7 });
    expect((await alertsOf(r.id)).map((a) => a.state)).toEqual(['resolved']);
    clock.offsetMs += 2 * 3_600_000;
    await app.alerts.ticker.tick();
    expect(await alertsOf(r.id)).toEqual([]);
    expect((await alertsOf(firing.id)).map((a) => a.state)).toEqual(['firing']);
  });
});
