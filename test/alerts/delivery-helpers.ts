import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { buildApp } from '../../src/app.ts';
import type { AlertDeliveryEvent } from '../../src/shared/db/index.ts';
import type { AlertPayload } from '../../src/shared/events/index.ts';
import { createAlertDelivery, type AlertDelivery } from '../../src/modules/alerts/delivery/index.ts';
import type { AlertRuleRow } from '../../src/modules/alerts/delivery-port.ts';
import { testConfig, type TestUser } from '../support/app.ts';
import { waitFor } from '../support/wait.ts';

/** Fast polls and retries, so a suite sees three attempts in well under a second. */
export const FAST = {
  ALERT_DELIVERY_POLL_INTERVAL: '100ms',
  ALERT_WEBHOOK_RETRY_SCHEDULE: '100ms,200ms',
  ALERT_WEBHOOK_TIMEOUT: '1s',
};

export interface DeliveryApp {
  app: FastifyInstance;
  delivery: AlertDelivery;
  /** JSON log lines (LOG_LEVEL info). */
  lines: string[];
  baseUrl: string;
}

/**
 * The real app listening on loopback. Alert delivery is the app's own when the alerts module wires it;
 * before that, the suite creates it on the app the same way (one per app either way).
 */
export async function buildDeliveryApp(
  env: Record<string, string>,
  database?: DatabaseConfig,
  /** The modules' clock (alert retry schedule, leases); tests move it. */
  clock?: () => number,
): Promise<DeliveryApp> {
  const lines: string[] = [];
  const logStream = new Writable({
    write: (chunk: Buffer, _enc, done) => (
      lines.push(...chunk.toString().split('\n').filter(Boolean)),
      done()
    ),
  });
  const config = testConfig({ LOG_LEVEL: 'info', ...FAST, ...env }, database);
  const app = await buildApp({ config, logStream, clock });
  const delivery = app.hasDecorator('alertDelivery')
    ? app.alertDelivery
    : createAlertDelivery(app, {
        config,
        db: app.database.db,
        events: app.events,
        email: app.email,
        notifications: app.notifications,
        worker: true,
        instanceId: `test-${randomUUID().slice(0, 8)}`,
        now: clock && (() => new Date(clock())),
      });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, delivery, lines, baseUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

export interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type Reply = number | 'hang';

/** A webhook receiver on 127.0.0.1 port 0: records every request; answers from `replies` in turn, then 200. */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** The answers of the next requests (a status, or 'hang': never answer). */
  replies: Reply[];
  close(): Promise<void>;
}

export async function startReceiver(path = '/hook'): Promise<Receiver> {
  const received: Received[] = [];
  const replies: Reply[] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const reply = replies.shift() ?? 200;
      if (reply === 'hang') return void hanging.add(res);
      res.writeHead(reply, { 'content-type': 'text/plain' }).end(reply < 300 ? 'ok' : `status ${reply}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    replies,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface RuleOptions {
  channels?: Array<'email' | 'webhook' | 'in_app'>;
  webhookUrl?: string;
  emailRecipients?: string[] | null;
  platform?: boolean;
  name?: string;
}

/** A rule row written directly (as the rules API would), with its webhook endpoint when it has one. */
export async function insertRule(
  app: FastifyInstance,
  delivery: AlertDelivery,
  user: Pick<TestUser, 'id'>,
  o: RuleOptions = {},
): Promise<{ rule: AlertRuleRow; secret: string | null }> {
  const db = app.database.db;
  return db.transaction().execute(async (trx) => {
    const endpoint = o.webhookUrl ? await delivery.webhooks.create(trx, user.id, o.webhookUrl) : null;
    const rule = await trx
      .insertInto('alert_rules')
      .values({
        name: o.name ?? 'Slow LCP',
        metric_name: 'lcp_ms',
        condition: 'gt',
        threshold: 2500,
        severity: 'critical',
        channels: JSON.stringify(o.channels ?? ['webhook']),
        created_by: user.id,
        scope_kind: o.platform ? 'platform' : 'tests',
        webhook_id: endpoint?.id ?? null,
        email_recipients: o.emailRecipients ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { rule, secret: endpoint?.secret ?? null };
  });
}

export function alertPayload(rule: AlertRuleRow, over: Partial<AlertPayload> = {}): AlertPayload {
  const at = new Date().toISOString();
  return {
    id: randomUUID(),
    ruleId: rule.id,
    ruleName: rule.name,
    title: 'LCP above 2500 ms on https://shop.example.test/',
    description: 'The landing page got slow.',
    severity: 'critical',
    state: 'firing',
    metric: { name: 'lcp_ms', value: 3200, condition: 'gt', threshold: 2500 },
    seriesKey: 'https://shop.example.test/',
    scope: rule.scope_kind,
    testId: randomUUID(),
    scheduleId: null,
    url: 'https://shop.example.test/',
    instanceId: null,
    timestamp: at,
    triggeredAt: at,
    resolvedAt: null,
    actionUrl: '/tests/abc',
    ...over,
  };
}

/**
 * What the evaluator does on a state change: the history row (for a real notice) and the deliveries in
 * one transaction, then a nudge. Returns the alert.
 */
export async function fire(
  app: FastifyInstance,
  delivery: AlertDelivery,
  rule: AlertRuleRow,
  event: AlertDeliveryEvent = 'alert.triggered',
  over: Partial<AlertPayload> = {},
): Promise<AlertPayload> {
  const alert = alertPayload(rule, over);
  await app.database.db.transaction().execute(async (trx) => {
    if (event !== 'alert.test')
      await trx
        .insertInto('alert_history')
        .values({
          id: alert.id,
          rule_id: rule.id,
          user_id: rule.created_by,
          title: alert.title,
          description: alert.description,
          severity: alert.severity,
          metric_data: JSON.stringify(alert.metric),
          series_key: alert.seriesKey,
          platform: rule.scope_kind === 'platform',
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    await delivery.queue.enqueue(trx, rule, event, alert);
  });
  delivery.queue.nudge();
  return alert;
}

export interface DeliveryJson {
  id: string;
  alertId: string | null;
  channel: string;
  event: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  webhookId: string | null;
  attempts: Array<{
    attempt: number;
    startedAt: string;
    statusCode: number | null;
    error: string | null;
    ok: boolean;
    durationMs: number;
  }>;
}

export async function deliveries(
  app: FastifyInstance,
  user: Pick<TestUser, 'auth'>,
  query: string,
): Promise<DeliveryJson[]> {
  const res = await app.inject({ method: 'GET', url: `/api/alerts/deliveries?${query}`, headers: user.auth });
  if (res.statusCode !== 200) throw new Error(`deliveries: ${res.statusCode} ${res.body}`);
  return res.json<{ items: DeliveryJson[] }>().items;
}

/** Waits until the alert's delivery on `channel` (default: its only one) has `status`, and returns it. */
export async function settled(
  app: FastifyInstance,
  user: Pick<TestUser, 'auth'>,
  alertId: string,
  status: string,
  channel?: string,
): Promise<DeliveryJson> {
  return waitFor(
    async () => {
      const list = await deliveries(app, user, `alertId=${alertId}`);
      return list.find((d) => (!channel || d.channel === channel) && d.status === status);
    },
    10_000,
    `the ${channel ?? ''} delivery to be ${status}`,
  );
}
