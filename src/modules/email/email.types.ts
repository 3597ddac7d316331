import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB, EmailStatus, UserLocale } from '../../shared/db/index.ts';

/**
 * The templates and the data each one renders (user data is escaped in the HTML part). A new message
 * is an entry here and a renderer in templates/catalog.ts.
 */
export interface EmailTemplates {
  /** A notification's e-mail: its title is the subject; content and a link to it are the body. */
  notification: { type: string; title: string; content: string | null; actionUrl: string | null };
  /** Account e-mails (the auth module, templates/account.template.ts); `link` holds a single-use token. */
  verify_email: { link: string; expiresInHours: number };
  password_reset: { link: string; expiresInMinutes: number };
  email_change_verify: { link: string; newEmail: string; expiresInHours: number };
  email_change_notice: { newEmail: string; expiresInHours: number };
  password_changed: Record<string, never>;
  /** An alert notice (docs/ALERTING.md): severity, rule, times, metric against its threshold, link. */
  alert: {
    event: 'alert.triggered' | 'alert.resolved' | 'alert.reminder' | 'alert.test';
    severity: 'low' | 'medium' | 'high' | 'critical';
    title: string;
    description: string | null;
    ruleName: string;
    metric: { name: string; value: number | null; condition: string; threshold: number | null };
    /** The test's URL or the platform instance. */
    seriesKey: string;
    triggeredAt: string;
    resolvedAt: string | null;
    actionUrl: string | null;
  };
}
export type EmailTemplateName = keyof EmailTemplates;

export interface EmailMessage<T extends EmailTemplateName = EmailTemplateName> {
  /** One address, `local@domain` (no display name, no list). */
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

/** What `send` wrote: the outbox row's id (the delivery job's id) and its status. */
export interface SendResult {
  id: string;
  /** `pending` (to be delivered), or `failed` when the recipient's rate limit refused it. */
  status: EmailStatus;
  messageId: string;
}

export interface EmailService {
  /**
   * Validates, renders and writes the message to the outbox (in `options.db` when given); delivery
   * follows after commit. Throws ValidationError (field `to`) for a bad recipient and
   * EmailTooLargeError for a message over EMAIL_MAX_BYTES.
   *
   * @example
   * await db.transaction().execute(async (trx) => {
   *   await insertNotification(trx, …);
   *   await email.send({ to, template: 'notification', data, locale, userId }, { db: trx });
   * });
   */
  send<T extends EmailTemplateName>(message: EmailMessage<T>, options?: SendOptions): Promise<SendResult>;
}

export interface EmailModuleDeps {
  config: Config;
  db: Kysely<DB>;
  /** Deliver from this process (processes that run a worker do). */
  worker: boolean;
  instanceId: string;
}
