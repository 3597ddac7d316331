import type { FastifyInstance } from 'fastify';
import { createEmailService } from './email.service.ts';
import type { EmailModuleDeps, EmailService } from './email.types.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from './outbox.dispatcher.ts';
import { createOutboxRepository } from './outbox.repository.ts';
import { registerOutboxRoutes } from './outbox.routes.ts';
import { createOutboxAdminService } from './outbox.service.ts';
import { createSmtpTransport } from './smtp.transport.ts';

export type {
  EmailMessage,
  EmailModuleDeps,
  EmailService,
  EmailTemplateName,
  EmailTemplates,
  SendOptions,
  SendResult,
} from './email.types.ts';
export { EmailTooLargeError } from './email-errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The e-mail service (tests send through it). */
    email: EmailService;
  }
}

/**
 * E-mail: every message is written to the email_outbox table (in the caller's transaction when given),
 * then delivered over SMTP by the outbox dispatcher of the processes that run a worker; without SMTP_URL
 * messages stay in the outbox for admins to read. Routes: /api/admin/outbox. See docs/EMAIL.md.
 */
export async function emailModule(
  app: FastifyInstance,
  deps: EmailModuleDeps,
): Promise<{ service: EmailService }> {
  const { config } = deps;
  const repo = createOutboxRepository(deps.db);
  let dispatcher: OutboxDispatcher | null = null;
  if (deps.worker && config.email.smtpUrl) {
    dispatcher = createOutboxDispatcher({
      repo,
      transport: createSmtpTransport(config.email),
      config: config.email,
      instanceId: deps.instanceId,
      log: app.log,
    });
    const d = dispatcher;
    app.addHook('onReady', async () => d.start());
    // In-flight attempts get a share of SHUTDOWN_TIMEOUT; one cut short is failed as interrupted later.
    app.addHook('preClose', async () => d.close(Math.floor(config.shutdownTimeoutMs * 0.3)));
  }
  const nudge = () => dispatcher?.nudge();
  const service = createEmailService({ config, repo, log: app.log, onQueued: nudge });
  registerOutboxRoutes(app, createOutboxAdminService(repo, nudge));
  app.decorate('email', service);
  return { service };
}
