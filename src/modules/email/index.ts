import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB, EmailStatus, UserLocale } from '../../shared/db/index.ts';

/** The templates and the data each one renders (user data is escaped in the HTML part). */
export interface EmailTemplates {
  /** A notification's e-mail: its title is the subject; content and a link to it are the body. */
  notification: { type: string; title: string; content: string | null; actionUrl: string | null };
}
export type EmailTemplateName = keyof EmailTemplates;

export interface EmailMessage<T extends EmailTemplateName = EmailTemplateName> {
  to: string;
  template: T;
  data: EmailTemplates[T];
  /** The recipient's language (default `en`). */
  locale?: UserLocale;
  /** The account it is for, when there is one (admins see it in the outbox). */
  userId?: string | null;
}

export interface SendOptions {
  /** The caller's transaction: the outbox row commits with the caller's data, or neither does. */
  db?: Kysely<DB>;
}

export interface EmailService {
  /** Renders and writes the message to the outbox; delivery follows after commit. */
  send<T extends EmailTemplateName>(
    message: EmailMessage<T>,
    options?: SendOptions,
  ): Promise<{ id: string; status: EmailStatus }>;
}

export interface EmailModuleDeps {
  config: Config;
  db: Kysely<DB>;
  /** Deliver from this process (processes that run a worker do). */
  worker: boolean;
  instanceId: string;
}

/** SKELETON (being built): e-mail outbox, templates, SMTP delivery and /api/admin/outbox. */
export async function emailModule(
  _app: FastifyInstance,
  _deps: EmailModuleDeps,
): Promise<{ service: EmailService }> {
  return {
    service: {
      async send() {
        throw new Error('email: not built yet');
      },
    },
  };
}
