import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../../config/index.ts';
import { createSecretBox } from '../../../shared/crypto/index.ts';
import type { DB } from '../../../shared/db/index.ts';
import type { EventBus } from '../../../shared/events/index.ts';
import { createOutboundClient } from '../../../shared/outbound/index.ts';
import type { EmailService } from '../../email/index.ts';
import type { NotificationsModule } from '../../notifications/index.ts';
import type { AlertDeliveryQueue, WebhookEndpoints } from '../delivery-port.ts';
import { createUserDirectory } from '../../auth/index.ts';
import { createDeliveryQueue } from './delivery-queue.ts';
import { createDeliveryRepository } from './delivery.repository.ts';
import { registerDeliveryRoutes } from './delivery.routes.ts';
import { createDeliveryService } from './delivery.service.ts';
import { createAlertDispatcher, type AlertDispatcher } from './dispatcher.ts';
import { createEmailChannel, type AlertContacts } from './email-channel.ts';
import { createInAppChannel } from './in-app-channel.ts';
import { createWebhookChannel } from './webhook-channel.ts';
import { createWebhookEndpoints } from './webhook-endpoints.ts';

export const WEBHOOK_USER_AGENT = 'TestWeb-Alert-System';
/** After a rotation the previous secret signs beside the new one this long. */
export const ROTATION_GRACE_MS = 24 * 3_600_000;
/** Attempts in flight at once per process. */
export const DELIVERY_CONCURRENCY = 16;

export interface AlertDeliveryDeps {
  config: Config;
  db: Kysely<DB>;
  events: EventBus;
  email: EmailService;
  notifications: NotificationsModule;
  /** Run the dispatcher in this process. */
  worker: boolean;
  instanceId: string;
  /** The module's clock (retry schedule, leases); tests move it. */
  now?: () => Date;
  /** The rule owners' addresses (default: the auth module's user directory). */
  contacts?: AlertContacts;
}

export interface AlertDelivery {
  queue: AlertDeliveryQueue;
  webhooks: WebhookEndpoints;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Alert delivery (tests and benchmarks drive the queue directly). */
    alertDelivery: AlertDelivery;
  }
}

/**
 * Delivery of alerts: the outbox rows `enqueue` writes in the evaluator's transaction, the dispatcher
 * that sends them (e-mail, signed webhook, in-app) with retries and an attempt log, the webhook
 * endpoints and their secrets, and the routes /api/alerts/deliveries and
 * /api/alerts/webhooks/:id/rotate-secret. See docs/ALERTING.md.
 */
export function createAlertDelivery(app: FastifyInstance, deps: AlertDeliveryDeps): AlertDelivery {
  const { config } = deps;
  const now = deps.now ?? (() => new Date());
  const repo = createDeliveryRepository(deps.db);
  const box = createSecretBox(config.encryptionKey, config.account.previousEncryptionKeys);
  const outbound = createOutboundClient({
    allowPrivateTargets: config.allowPrivateTargets,
    timeoutMs: config.alerts.webhookTimeoutMs,
    maxResponseBytes: 64 * 1024,
    // Redirects are not followed: a receiver that moved answers 3xx, which is a failed attempt.
    maxRedirects: 0,
    userAgent: WEBHOOK_USER_AGENT,
  });
  app.addHook('onClose', async () => outbound.close());
  const webhooks = createWebhookEndpoints({ db: deps.db, box, outbound });
  const channels = {
    webhook: createWebhookChannel({
      endpoints: webhooks,
      outbound,
      timeoutMs: config.alerts.webhookTimeoutMs,
      now,
    }),
    email: createEmailChannel({
      email: deps.email,
      contacts: deps.contacts ?? createUserDirectory(deps.db),
      rule: (id) => repo.emailSettings(id),
      adminEmails: config.alerts.adminEmails,
    }),
    in_app: createInAppChannel({ notifications: deps.notifications, events: deps.events }),
  };
  let dispatcher: AlertDispatcher | null = null;
  if (deps.worker) {
    const d = createAlertDispatcher({
      db: deps.db,
      repo,
      channels,
      retryScheduleMs: config.alerts.webhookRetryScheduleMs,
      pollIntervalMs: config.alerts.deliveryPollIntervalMs,
      leaseMs: config.alerts.webhookTimeoutMs + 30_000,
      concurrency: DELIVERY_CONCURRENCY,
      instanceId: deps.instanceId,
      now,
      log: app.log,
      retentionMs: config.alerts.historyRetentionMs,
    });
    dispatcher = d;
    app.addHook('onReady', async () => d.start());
    // In-flight attempts get a share of SHUTDOWN_TIMEOUT; one cut short is taken over when its lease ends.
    app.addHook('preClose', async () => d.close(Math.floor(config.shutdownTimeoutMs * 0.3)));
  }
  const queue = createDeliveryQueue({ repo, now, nudge: () => dispatcher?.nudge() });
  registerDeliveryRoutes(
    app,
    createDeliveryService({ repo, endpoints: webhooks, now, rotationGraceMs: ROTATION_GRACE_MS }),
  );
  const delivery = { queue, webhooks };
  app.decorate('alertDelivery', delivery);
  return delivery;
}
