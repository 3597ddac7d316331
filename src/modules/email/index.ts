import type { FastifyInstance } from 'fastify';
import { createEmailService } from './email.service.ts';
import type { EmailModuleDeps, EmailService } from './email.types.ts';
import { createOutboxRepository } from './outbox.repository.ts';

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
 * then delivered over SMTP by the outbox dispatcher of processes that run a worker. See docs/EMAIL.md.
 */
export async function emailModule(
  app: FastifyInstance,
  deps: EmailModuleDeps,
): Promise<{ service: EmailService }> {
  const repo = createOutboxRepository(deps.db);
  const service = createEmailService({ config: deps.config, repo, log: app.log });
  app.decorate('email', service);
  return { service };
}
