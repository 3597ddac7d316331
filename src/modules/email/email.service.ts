import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config/index.ts';
import type { UserLocale } from '../../shared/db/index.ts';
import { ValidationError } from '../../shared/http/index.ts';
import { senderDomain, validRecipient } from './email-address.ts';
import { EmailTooLargeError } from './email-errors.ts';
import type {
  EmailMessage,
  EmailService,
  EmailTemplateName,
  SendOptions,
  SendResult,
} from './email.types.ts';
import type { OutboxRepository } from './outbox.repository.ts';
import { isTemplateName, renderEmail } from './templates/catalog.ts';
import { headerText } from './templates/text.ts';

export interface EmailServiceDeps {
  config: Config;
  repo: OutboxRepository;
  log: FastifyBaseLogger;
  /** Told after a deliverable row was written (this process's dispatcher looks at once). */
  onQueued?: () => void;
}

const LOCALES: readonly UserLocale[] = ['en', 'zh-CN'];

function validLocale(locale: unknown): UserLocale {
  if (locale === undefined || locale === null) return 'en';
  if (LOCALES.includes(locale as UserLocale)) return locale as UserLocale;
  throw new ValidationError('unknown locale', [{ field: '/locale', message: 'must be en or zh-CN' }]);
}

function validTemplate(template: unknown): EmailTemplateName {
  if (typeof template === 'string' && isTemplateName(template)) return template;
  throw new ValidationError('unknown e-mail template', [
    { field: '/template', message: 'is not a template' },
  ]);
}

/** send(): validate, render, and write the message to the outbox in the caller's database or transaction. */
export function createEmailService({ config, repo, log, onQueued }: EmailServiceDeps): EmailService {
  const { maxBytes, rateLimitPerRecipient: rate } = config.email;
  const domain = senderDomain(config.email.from);

  function render<T extends EmailTemplateName>(message: EmailMessage<T>) {
    const template = validTemplate(message.template) as T;
    const locale = validLocale(message.locale);
    const rendered = renderEmail(template, message.data, { locale, publicUrl: config.publicUrl });
    const bytes = Buffer.byteLength(rendered.text) + Buffer.byteLength(rendered.html);
    if (bytes > maxBytes)
      throw new EmailTooLargeError(
        `the ${template} e-mail is ${bytes} bytes; EMAIL_MAX_BYTES is ${maxBytes}`,
      );
    return {
      template,
      locale,
      subject: headerText(rendered.subject),
      text: rendered.text,
      html: rendered.html,
    };
  }

  /** Why the message must not go out because of the recipient's rate limit, or undefined. */
  async function rateLimited(to: string, db: SendOptions['db']): Promise<string | undefined> {
    if ((await repo.countRecent(to, rate.windowMs, db)) < rate.points) return undefined;
    return `rate limited: ${to} was sent ${rate.points} messages within ${rate.windowMs / 1000} s; not sent`;
  }

  async function send<T extends EmailTemplateName>(
    message: EmailMessage<T>,
    options: SendOptions = {},
  ): Promise<SendResult> {
    const to = validRecipient(message.to);
    const { template, locale, subject, text, html } = render(message);
    // The id is the delivery job's id and names the Message-ID, so both are written together.
    const id = randomUUID();
    const messageId = `<${id}@${domain}>`;
    const failed = await rateLimited(to, options.db);
    const row = { id, user_id: message.userId ?? null, recipient: to, template, locale, subject };
    await repo.insert(
      { ...row, body_text: text, body_html: html, message_id: messageId, failed },
      options.db,
    );
    if (failed) {
      log.warn({ outboxId: id, to, template }, 'e-mail not sent: recipient rate limit reached');
      return { id, status: 'failed', messageId };
    }
    if (config.email.smtpUrl === null)
      log.info({ outboxId: id, to, subject }, 'e-mail kept in the outbox (no SMTP_URL)');
    else onQueued?.();
    return { id, status: 'pending', messageId };
  }

  return { send };
}
