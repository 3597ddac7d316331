import nodemailer from 'nodemailer';
import type { EmailConfig } from '../../config/email-config.ts';
import type { OutboxRow } from './outbox.repository.ts';

/** How a delivery attempt ended, when it did not succeed. */
export interface DeliveryFailure {
  /** A 5xx reply (or a message the server can never take): retrying would fail the same way. */
  permanent: boolean;
  /** For last_error and logs: the SMTP reply or the connection error, never the credentials. */
  reason: string;
}

/** One outbox row out to the SMTP server; rejects with a DeliveryError. */
export interface MailTransport {
  send(row: OutboxRow): Promise<void>;
  close(): void;
}

export class DeliveryError extends Error implements DeliveryFailure {
  constructor(
    readonly reason: string,
    readonly permanent: boolean,
  ) {
    super(reason);
  }
}

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
}

// Errors of the message itself (not of the server or the network): another attempt would fail the same way.
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'EREQUIRETLS']);

/** A nodemailer error as a DeliveryFailure: 5xx permanent, 4xx and connection trouble temporary. */
export function classifySmtpError(err: unknown, secrets: string[] = []): DeliveryFailure {
  const e = (err ?? {}) as SmtpError;
  let reason = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`.replace(/\s+/g, ' ');
  for (const s of secrets) if (s) reason = reason.split(s).join('***');
  const code = e.responseCode;
  const permanent = code ? code >= 500 : !!e.code && PERMANENT_CODES.has(e.code);
  return { permanent, reason };
}

/** The credentials in an SMTP URL, to keep them out of stored errors. */
function secretsOf(smtpUrl: string): string[] {
  try {
    const u = new URL(smtpUrl);
    return [u.password, decodeURIComponent(u.password)].filter((s) => s.length >= 3);
  } catch {
    return [];
  }
}

/**
 * Pooled SMTP (nodemailer): STARTTLS when the server offers it, `smtps://` for implicit TLS, every wait
 * bounded by SMTP_TIMEOUT. The Message-ID is the row's, so every attempt of a row sends the same one.
 */
export function createSmtpTransport(config: EmailConfig): MailTransport {
  const url = config.smtpUrl!;
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: config.poolSize,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    tls: { rejectUnauthorized: config.tlsRejectUnauthorized },
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const secrets = secretsOf(url);
  return {
    async send(row) {
      try {
        await transport.sendMail({
          from: config.from,
          to: row.recipient,
          subject: row.subject,
          text: row.body_text,
          html: row.body_html,
          messageId: row.message_id,
          // RFC 3834: automatic mail; well-behaved auto-responders do not answer it.
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
      } catch (err) {
        const f = classifySmtpError(err, secrets);
        throw new DeliveryError(f.reason, f.permanent);
      }
    },
    close: () => transport.close(),
  };
}
