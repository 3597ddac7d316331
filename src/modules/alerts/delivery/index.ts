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
import { createDeliveryQueue } from './delivery-queue.ts';
import { createDeliveryRepository } from './delivery.repository.ts';
import { createWebhookEndpoints } from './webhook-endpoints.ts';

export const WEBHOOK_USER_AGENT = 'TestWeb-Alert-System';

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
}

export interface AlertDelivery {
  queue: AlertDeliveryQueue;
  webhooks: WebhookEndpoints;
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
  const nudge = () => undefined;
  const queue = createDeliveryQueue({ repo, now, nudge });
  return { queue, webhooks };
}
