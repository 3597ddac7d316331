import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.ts';
import type { DatabaseConfig } from '../../../src/config/index.ts';
import type { EventMap } from '../../../src/shared/events/index.ts';
import { testConfig, type TestUser } from '../../support/app.ts';
import { testEngines } from '../../queue/support/test-engines.ts';

export { waitFor } from '../../support/wait.ts';

import { testClock, type TestClock } from '../../support/clock.ts';

export { testClock, type TestClock };

/** The real app (its worker runs the reminder ticker and the dispatcher) with the queue suites' engines. */
export async function buildAlertsApp(
  env: Record<string, string>,
  database: DatabaseConfig,
  opts: { clock?: TestClock; worker?: boolean } = {},
): Promise<FastifyInstance> {
  const app = await buildApp({
    config: testConfig(
      { SCHEDULE_MIN_INTERVAL: '1s', ALERT_DELIVERY_POLL_INTERVAL: '100ms', ...env },
      database,
    ),
    extraEngines: testEngines(),
    worker: opts.worker ?? true,
    clock: opts.clock?.now,
  });
  await app.ready();
  return app;
}

type Inject = FastifyInstance['inject'];
export type Reply = Awaited<ReturnType<Inject>>;

/** Calls the API as `who`. */
export function api(app: FastifyInstance, who: TestUser) {
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object): Promise<Reply> =>
    app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) });
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, payload?: object) => call('POST', url, payload ?? {}),
    put: (url: string, payload: object) => call('PUT', url, payload),
    delete: (url: string) => call('DELETE', url),
  };
}

export interface RuleJson {
  id: string;
  name: string;
  metricName: string;
  condition: string;
  threshold: number | null;
  channels: string[];
  isActive: boolean;
  mutedUntil: string | null;
  scope: {
    kind: string;
    testType: string | null;
    scheduleId: string | null;
    urlGlob: string | null;
    tags: string[];
  };
  webhookUrl: string | null;
  webhookSecret?: string;
  createdBy: string;
}

export interface AlertJson {
  id: string;
  ruleId: string | null;
  state: 'firing' | 'resolved';
  severity: string;
  seriesKey: string;
  title: string;
  metric: Record<string, unknown>;
  triggeredAt: string;
  resolvedAt: string | null;
  resolvedValue: number | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  remindersSent: number;
}

/** Creates a rule through the API (in-app channel unless said otherwise); fails the test unless 201. */
export async function createRule(
  app: FastifyInstance,
  who: TestUser,
  body: Record<string, unknown>,
): Promise<RuleJson> {
  const res = await api(app, who).post('/api/alerts/rules', {
    name: 'rule',
    channels: ['in_app'],
    cooldown: 0,
    ...body,
  });
  if (res.statusCode !== 201) throw new Error(`rule: ${res.statusCode} ${res.body}`);
  return res.json<RuleJson>();
}

/** Every alert of `who` (GET /api/alerts/history, all pages), newest first. */
export async function historyOf(app: FastifyInstance, who: TestUser, query = ''): Promise<AlertJson[]> {
  const out: AlertJson[] = [];
  let cursor = '';
  for (;;) {
    const res = await api(app, who).get(
      `/api/alerts/history?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (res.statusCode !== 200) throw new Error(`history: ${res.statusCode} ${res.body}`);
    const page = res.json<{ items: AlertJson[]; nextCursor: string | null }>();
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = encodeURIComponent(page.nextCursor);
  }
}

/** The alert_deliveries rows of a rule (event and channel), oldest first. */
export async function noticesOf(app: FastifyInstance, ruleId: string): Promise<string[]> {
  const rows = await app.database.db
    .selectFrom('alert_deliveries')
    .select(['event', 'channel', 'created_at'])
    .where('rule_id', '=', ruleId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.event);
}

/** A TestCompleted as the job handler publishes it. */
export function completed(
  who: TestUser,
  url: string,
  metrics: Record<string, number>,
  extra: Partial<EventMap['TestCompleted']> = {},
): EventMap['TestCompleted'] {
  return {
    testId: randomUUID(),
    runId: randomUUID(),
    userId: who.id,
    type: 'api',
    url,
    scheduleId: null,
    tags: [],
    durationMs: 100,
    passed: true,
    score: null,
    metrics,
    ...extra,
  };
}
