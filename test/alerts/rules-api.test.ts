import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { api, buildAlertsApp, createRule, type RuleJson } from './support/rules-app.ts';

const problemOf = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
  expect(res.headers['content-type']).toContain('application/problem+json');
  return JSON.parse(res.body) as {
    code: string;
    detail: string;
    errors?: Array<{ field: string; message: string }>;
  };
};

describe.each(TEST_DATABASES)('alert rules API ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildAlertsApp({ ALERT_RULES_MAX_PER_USER: '6' }, db.config, { worker: false });
    admin = await registerUser(app);
    alice = await registerUser(app);
    bob = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  const latency = {
    name: 'slow home',
    metricName: 'ttfb_ms',
    condition: 'gt',
    threshold: 500,
    scope: { kind: 'tests', testType: 'performance' },
  };

  it('creates, reads, lists, changes and deletes a rule, in camelCase', async () => {
    const rule = await createRule(app, alice, {
      ...latency,
      forCount: 3,
      resolveCount: 2,
      repeatInterval: 600,
      severity: 'high',
    });
    expect(rule).toMatchObject({
      name: 'slow home',
      metricName: 'ttfb_ms',
      condition: 'gt',
      threshold: 500,
      severity: 'high',
      forCount: 3,
      resolveCount: 2,
      notifyOnResolve: true,
      repeatInterval: 600,
      cooldown: 0,
      isActive: true,
      mutedUntil: null,
      channels: ['in_app'],
      scope: { kind: 'tests', testType: 'performance', scheduleId: null, urlGlob: null, tags: [] },
      createdBy: alice.id,
    });
    const got = await api(app, alice).get(`/api/alerts/rules/${rule.id}`);
    expect(got.json()).toEqual(rule);
    const put = await api(app, alice).put(`/api/alerts/rules/${rule.id}`, {
      threshold: 800,
      mutedUntil: '2030-01-01T00:00:00.000Z',
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      threshold: 800,
      mutedUntil: '2030-01-01T00:00:00.000Z',
      forCount: 3,
      name: 'slow home',
    });
    expect((await api(app, alice).delete(`/api/alerts/rules/${rule.id}`)).statusCode).toBe(204);
    expect((await api(app, alice).get(`/api/alerts/rules/${rule.id}`)).statusCode).toBe(404);
  });

  it('pages the list with a cursor, newest first', async () => {
    const user = await registerUser(app);
    const made: RuleJson[] = [];
    for (let i = 0; i < 5; i++) made.push(await createRule(app, user, { ...latency, name: `r${i}` }));
    const first = (await api(app, user).get('/api/alerts/rules?limit=2')).json<{
      items: RuleJson[];
      nextCursor: string;
    }>();
    expect(first.items.map((r) => r.name)).toEqual(['r4', 'r3']);
    const seen = [...first.items];
    let cursor: string | null = first.nextCursor;
    while (cursor) {
      const page: { items: RuleJson[]; nextCursor: string | null } = (
        await api(app, user).get(`/api/alerts/rules?limit=2&cursor=${encodeURIComponent(cursor)}`)
      ).json<{ items: RuleJson[]; nextCursor: string | null }>();
      seen.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(seen.map((r) => r.name)).toEqual(['r4', 'r3', 'r2', 'r1', 'r0']);
    const bad = await api(app, user).get('/api/alerts/rules?cursor=nope');
    expect(bad.statusCode).toBe(400);
  });

  it("answers 404 for another user's rule on every route, and lets an admin see it", async () => {
    const rule = await createRule(app, alice, latency);
    const as = api(app, bob);
    for (const res of [
      await as.get(`/api/alerts/rules/${rule.id}`),
      await as.put(`/api/alerts/rules/${rule.id}`, { threshold: 1 }),
      await as.delete(`/api/alerts/rules/${rule.id}`),
      await as.post(`/api/alerts/rules/${rule.id}/test`),
    ])
      expect(res.statusCode).toBe(404);
    const list = (await as.get('/api/alerts/rules?limit=100')).json<{ items: RuleJson[] }>();
    expect(list.items.some((r) => r.id === rule.id)).toBe(false);
    expect((await api(app, admin).get(`/api/alerts/rules/${rule.id}`)).statusCode).toBe(200);
    const all = (await api(app, admin).get('/api/alerts/rules?limit=100')).json<{ items: RuleJson[] }>();
    expect(all.items.some((r) => r.id === rule.id)).toBe(true);
    expect((await api(app, alice).get(`/api/alerts/rules/${rule.id}`)).json<RuleJson>().threshold).toBe(500);
  });

  it('refuses an unknown metric with a 400 naming metricName and the close matches', async () => {
    const res = await api(app, alice).post('/api/alerts/rules', { ...latency, metricName: 'ttfb_msec' });
    expect(res.statusCode).toBe(400);
    const p = problemOf(res);
    expect(p.errors?.[0]?.field).toBe('/body/metricName');
    expect(p.errors?.[0]?.message).toContain('ttfb_ms');
    // Another engine's metric is unknown for this type, but known for any type.
    const stress = await api(app, alice).post('/api/alerts/rules', {
      ...latency,
      metricName: 'latency_p95_ms',
    });
    expect(problemOf(stress).errors?.[0]?.field).toBe('/body/metricName');
    await createRule(app, bob, { ...latency, metricName: 'latency_p95_ms', scope: { kind: 'tests' } });
  });

  it('accepts derived, result and platform metric names where they apply', async () => {
    const user = await registerUser(app);
    await createRule(app, user, {
      ...latency,
      metricName: 'score_delta_pct',
      condition: 'lt',
      threshold: -20,
    });
    await createRule(app, user, { ...latency, metricName: 'total_ms_zscore', threshold: 3 });
    await createRule(app, user, {
      ...latency,
      metricName: 'passed',
      condition: 'eq',
      threshold: 0,
      scope: { kind: 'tests', testType: 'api' },
    });
    await createRule(app, user, {
      ...latency,
      metricName: 'duration_ms',
      condition: 'absent',
      threshold: null,
    });
    const platform = await api(app, user).post('/api/alerts/rules', {
      ...latency,
      metricName: 'queueWaiting',
      scope: { kind: 'tests' },
    });
    expect(problemOf(platform).errors?.[0]?.field).toBe('/body/metricName');
    await createRule(app, admin, {
      name: 'backlog',
      metricName: 'queueWaiting',
      condition: 'gt',
      threshold: 100,
      scope: { kind: 'platform' },
    });
  });

  it('keeps platform rules for admins: 403 otherwise', async () => {
    const res = await api(app, alice).post('/api/alerts/rules', {
      name: 'p',
      metricName: 'queueWaiting',
      condition: 'gt',
      threshold: 1,
      scope: { kind: 'platform' },
    });
    expect(res.statusCode).toBe(403);
    expect(problemOf(res).code).toBe('ERR_FORBIDDEN');
    const wrong = await api(app, admin).post('/api/alerts/rules', {
      name: 'p',
      metricName: 'queueWaiting',
      condition: 'gt',
      threshold: 1,
      scope: { kind: 'platform', urlGlob: 'x' },
    });
    expect(problemOf(wrong).errors?.[0]?.field).toBe('/body/scope/urlGlob');
  });

  it.each([
    [{ condition: 'above' }, '/body/condition'],
    [{ threshold: null }, '/body/threshold'],
    [{ condition: 'absent', threshold: 3 }, '/body/threshold'],
    [{ forCount: 0 }, '/body/forCount'],
    [{ cooldown: -1 }, '/body/cooldown'],
    [{ channels: ['sms'] }, '/body/channels/0'],
    [{ channels: ['webhook'] }, '/body/webhookUrl'],
    [{ channels: ['in_app'], webhookUrl: 'http://127.0.0.1:9/h' }, '/body/webhookUrl'],
    [{ channels: ['email'], emailRecipients: ['not an address'] }, '/body/emailRecipients/0'],
    [{ scope: { kind: 'tests', testType: 'no-such-type' } }, '/body/scope/testType'],
    [{ scope: { kind: 'tests', urlGlob: 'x'.repeat(501) } }, '/body/scope/urlGlob'],
    [{ scope: { kind: 'tests', tags: ['a b'] } }, '/body/scope/tags/0'],
    [
      { scope: { kind: 'tests', scheduleId: '00000000-0000-4000-8000-000000000000' } },
      '/body/scope/scheduleId',
    ],
    [{ mutedUntil: 'tomorrow' }, '/body/mutedUntil'],
    [{ name: '   ' }, '/body/name'],
  ])('refuses %j with a 400 naming %s', async (patch, field) => {
    const res = await api(app, alice).post('/api/alerts/rules', {
      ...latency,
      channels: ['in_app'],
      ...patch,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(JSON.stringify(problemOf(res).errors)).toContain(field);
  });

  it("refuses another user's schedule as a scope, and takes the owner's own", async () => {
    const made = await api(app, bob).post('/api/schedules', {
      name: 's',
      type: 'api',
      url: 'http://127.0.0.1:9/x',
      interval: '1h',
      options: {},
    });
    expect(made.statusCode, made.body).toBe(201);
    const scheduleId = made.json<{ id: string }>().id;
    const res = await api(app, alice).post('/api/alerts/rules', {
      ...latency,
      scope: { kind: 'tests', scheduleId },
    });
    expect(problemOf(res).errors?.[0]?.field).toBe('/body/scope/scheduleId');
    const own = await createRule(app, bob, { ...latency, scope: { kind: 'tests', scheduleId } });
    expect(own.scope.scheduleId).toBe(scheduleId);
  });

  it('answers the webhook secret once, on creation', async () => {
    const rule = await createRule(app, alice, {
      ...latency,
      channels: ['webhook', 'in_app'],
      webhookUrl: 'http://127.0.0.1:9/hook',
    });
    expect(rule.webhookSecret).toMatch(/^whsec_/);
    expect(rule.webhookUrl).toBe('http://127.0.0.1:9/hook');
    const got = await api(app, alice).get(`/api/alerts/rules/${rule.id}`);
    expect(got.json<RuleJson>().webhookSecret).toBeUndefined();
    expect(got.body).not.toContain(rule.webhookSecret!);
    const list = await api(app, alice).get('/api/alerts/rules?limit=100');
    expect(list.body).not.toContain(rule.webhookSecret!);
  });

  it('sends a sample alert through the rule channels (alert.test, no alert id)', async () => {
    const rule = await createRule(app, alice, { ...latency, channels: ['in_app', 'email'] });
    const res = await api(app, alice).post(`/api/alerts/rules/${rule.id}/test`);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ event: 'alert.test', channels: ['in_app', 'email'] });
    const rows = await app.database.db
      .selectFrom('alert_deliveries')
      .select(['event', 'channel', 'alert_id'])
      .where('rule_id', '=', rule.id)
      .execute();
    expect(rows.map((r) => r.channel).sort()).toEqual(['email', 'in_app']);
    expect(rows.every((r) => r.event === 'alert.test' && r.alert_id === null)).toBe(true);
  });

  it('holds each user to ALERT_RULES_MAX_PER_USER with a 409', async () => {
    const user = await registerUser(app);
    for (let i = 0; i < 6; i++) await createRule(app, user, latency);
    const res = await api(app, user).post('/api/alerts/rules', latency);
    expect(res.statusCode).toBe(409);
    expect(problemOf(res).code).toBe('ERR_ALERT_RULES_LIMIT');
  });
});
