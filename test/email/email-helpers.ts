import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { buildApp } from '../../src/app.ts';
import type { EmailMessage } from '../../src/modules/email/index.ts';
import { testConfig } from '../support/app.ts';
import { waitFor } from '../support/wait.ts';
import type { TestUser } from '../support/app.ts';

/** The environment of an app that delivers to the sink on `port`, polling and retrying quickly. */
export function smtpEnv(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    EMAIL_POLL_INTERVAL: '50ms',
    EMAIL_RETRY_BACKOFF: '50ms',
    SMTP_TIMEOUT: '5s',
    ...extra,
  };
}

/** The real app, with its log lines captured in `lines` (JSON, one per entry). */
export async function buildEmailApp(
  env: Record<string, string>,
  database?: DatabaseConfig,
): Promise<{ app: FastifyInstance; lines: string[] }> {
  const lines: string[] = [];
  const logStream = new Writable({
    write: (chunk: Buffer, _enc, done) => (
      lines.push(...chunk.toString().split('\n').filter(Boolean)),
      done()
    ),
  });
  const app = await buildApp({ config: testConfig({ LOG_LEVEL: 'info', ...env }, database), logStream });
  await app.ready();
  return { app, lines };
}

/**
 * Removes the verification e-mails registration wrote (docs/AUTH.md) from the outbox, for suites that count
 * the outbox's messages and register their users first.
 */
export async function dropVerificationMail(app: FastifyInstance): Promise<void> {
  await app.database.db.deleteFrom('email_outbox').where('template', '=', 'verify_email').execute();
}

/** A notification e-mail to `to` with the given data. */
export function notification(
  to: string,
  data: Partial<EmailMessage<'notification'>['data']> = {},
  locale?: 'en' | 'zh-CN',
): EmailMessage<'notification'> {
  return {
    to,
    template: 'notification',
    data: { type: 'test_failed', title: 'Your test failed', content: null, actionUrl: null, ...data },
    locale,
  };
}

export interface OutboxView {
  id: string;
  userId: string | null;
  to: string;
  subject: string;
  template: string;
  locale: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  messageId: string;
  createdAt: string;
  nextAttemptAt: string;
  sentAt: string | null;
  text: string;
  html: string;
}

/** GET /api/admin/outbox/:id as `admin`. */
export async function outboxMessage(app: FastifyInstance, admin: TestUser, id: string): Promise<OutboxView> {
  const res = await app.inject({ url: `/api/admin/outbox/${id}`, headers: admin.auth });
  if (res.statusCode !== 200) throw new Error(`GET outbox/${id}: ${res.statusCode} ${res.body}`);
  return res.json<OutboxView>();
}

/** Waits until the message's status (as admins see it) is `status`, and returns the message. */
export function waitForStatus(
  app: FastifyInstance,
  admin: TestUser,
  id: string,
  status: OutboxView['status'],
  timeoutMs = 10_000,
): Promise<OutboxView> {
  return waitFor(
    async () => {
      const m = await outboxMessage(app, admin, id);
      return m.status === status ? m : null;
    },
    timeoutMs,
    `outbox message ${id} to be ${status}`,
  );
}
