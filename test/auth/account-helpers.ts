import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { buildApp } from '../../src/app.ts';
import { testConfig, type TestUser } from '../support/app.ts';
import type { ReceivedMail, SmtpSink } from '../support/smtp-sink.ts';
import { waitFor } from '../support/wait.ts';

export const PUBLIC_URL = 'http://127.0.0.1:5999';
export const PASSWORD = 'a sturdy passphrase 42';

/** An app delivering its e-mail to `sink` quickly, with every log line (JSON) kept in `lines`. */
export async function buildAccountApp(
  sink: SmtpSink,
  database?: DatabaseConfig,
  env: Record<string, string> = {},
): Promise<{ app: FastifyInstance; lines: string[] }> {
  const lines: string[] = [];
  const logStream = new Writable({
    write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()),
  });
  const config = testConfig(
    {
      LOG_LEVEL: 'info',
      PUBLIC_URL,
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      EMAIL_POLL_INTERVAL: '50ms',
      EMAIL_RETRY_BACKOFF: '50ms',
      SMTP_TIMEOUT: '5s',
      ...env,
    },
    database,
  );
  const app = await buildApp({ config, logStream });
  await app.ready();
  return { app, lines };
}

/** The messages the sink received for `to`, oldest first. */
export const mailTo = (sink: SmtpSink, to: string) =>
  sink.messages.filter((m) => m.envelope.to.includes(to.toLowerCase()));

/** Waits for the `n`-th message (1-based) to `to` and returns it. */
export async function nthMail(sink: SmtpSink, to: string, n = 1): Promise<ReceivedMail> {
  await waitFor(() => mailTo(sink, to).length >= n, 15_000, `e-mail #${n} to ${to}`);
  return mailTo(sink, to)[n - 1]!;
}

/** The token of the `PUBLIC_URL/<page>?token=…` link in a message's text part. */
export function linkToken(mail: ReceivedMail, page: 'verify-email' | 'reset-password'): string {
  const match = new RegExp(`${PUBLIC_URL}/${page}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text ?? '');
  expect(match, `a ${page} link in: ${mail.text}`).toBeTruthy();
  return decodeURIComponent(match![1]!);
}

/** Registers through the API with `email` and returns the user as test/support/app.ts does. */
export async function register(app: FastifyInstance, email: string, password = PASSWORD): Promise<TestUser> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(201);
  return asUser(res.json());
}

export async function login(app: FastifyInstance, email: string, password = PASSWORD): Promise<TestUser> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  return asUser(res.json());
}

function asUser(body: {
  user: { id: string; email: string; role: 'user' | 'admin' };
  accessToken: string;
  refreshToken: string;
}): TestUser {
  return {
    ...body.user,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    auth: { authorization: `Bearer ${body.accessToken}` },
  };
}

/** GET /api/auth/me with the user's access token: its status code (200 while the token works). */
export async function meStatus(app: FastifyInstance, user: Pick<TestUser, 'auth'>): Promise<number> {
  return (await app.inject({ url: '/api/auth/me', headers: user.auth })).statusCode;
}

export async function post(
  app: FastifyInstance,
  url: string,
  payload?: object,
  user?: Pick<TestUser, 'auth'>,
  extra: { remoteAddress?: string } = {},
) {
  return app.inject({
    method: 'POST',
    url,
    ...(payload && { payload }),
    ...(user && { headers: user.auth }),
    ...extra,
  });
}
