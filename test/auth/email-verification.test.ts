import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import {
  buildAccountApp,
  linkToken,
  login,
  mailTo,
  nthMail,
  PASSWORD,
  post,
  register,
} from './account-helpers.ts';

const me = async (app: FastifyInstance, auth: { authorization: string }) =>
  (await app.inject({ url: '/api/auth/me', headers: auth })).json<{
    email: string;
    emailVerified: boolean;
  }>();

describe.each(TEST_DATABASES)('e-mail verification and change ($name)', (database) => {
  let app: FastifyInstance;
  let sink: SmtpSink;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    sink = await startSmtpSink({ all: true });
    const db = await database.create();
    drop = db.drop;
    ({ app } = await buildAccountApp(sink, db.config));
    await register(app, 'first-admin@example.test');
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
    await sink?.close();
  });

  it('registration sends a link that verifies the address once', async () => {
    const user = await register(app, 'Verify.Me@example.test');
    expect((await me(app, user.auth)).emailVerified).toBe(false);
    const mail = await nthMail(sink, 'verify.me@example.test');
    expect(mail.subject).toBe('Confirm your e-mail address');
    expect(mail.text).toContain('Alert e-mails are sent only to a confirmed address');
    const token = linkToken(mail, 'verify-email');

    const ok = await post(app, '/api/auth/email/verify', { token });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ email: 'verify.me@example.test' });
    expect((await me(app, user.auth)).emailVerified).toBe(true);

    const again = await post(app, '/api/auth/email/verify', { token });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'ERR_LINK_INVALID', errors: [{ field: '/body/token' }] });
    // Already verified: resend says so and sends nothing.
    const resend = await post(app, '/api/auth/email/resend', undefined, user);
    expect(resend.statusCode).toBe(202);
    expect(resend.json()).toMatchObject({ emailVerified: true });
  });

  it('a link expires after EMAIL_VERIFY_TTL (24 h)', async () => {
    const user = await register(app, 'expires@example.test');
    const token = linkToken(await nthMail(sink, user.email), 'verify-email');
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 24 * 3_600_000 + 1000);
      const late = await post(app, '/api/auth/email/verify', { token });
      expect(late.statusCode).toBe(400);
      expect(late.json()).toMatchObject({ code: 'ERR_LINK_INVALID' });
    } finally {
      vi.useRealTimers();
    }
    // A little before expiry it works (the same link, not used by the refused attempt).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 24 * 3_600_000 - 60_000);
      expect((await post(app, '/api/auth/email/verify', { token })).statusCode).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it('resend sends a new link (the old one stops working) and is rate-limited', async () => {
    const user = await register(app, 'resend@example.test');
    const first = linkToken(await nthMail(sink, user.email, 1), 'verify-email');
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push((await post(app, '/api/auth/email/resend', undefined, user)).statusCode);
    expect(answers).toEqual([202, 202, 202]);
    const limited = await post(app, '/api/auth/email/resend', undefined, user);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    const last = linkToken(await nthMail(sink, user.email, 4), 'verify-email');
    expect(mailTo(sink, user.email)).toHaveLength(4);
    expect((await post(app, '/api/auth/email/verify', { token: first })).statusCode).toBe(400);
    expect((await post(app, '/api/auth/email/verify', { token: last })).statusCode).toBe(200);
    expect((await post(app, '/api/auth/email/resend')).statusCode).toBe(401);
  });

  it('an unverified account signs in normally', async () => {
    await register(app, 'unverified@example.test');
    const user = await login(app, 'unverified@example.test');
    expect((await me(app, user.auth)).emailVerified).toBe(false);
  });

  it('changing the e-mail verifies the new address, tells the old one, and changes on confirmation', async () => {
    const user = await register(app, 'old-address@example.test');
    const res = await post(
      app,
      '/api/auth/email/change',
      { newEmail: 'New-Address@example.test', password: PASSWORD },
      user,
    );
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ pendingEmail: 'new-address@example.test' });

    const notice = await nthMail(sink, 'old-address@example.test', 2);
    expect(notice.subject).toBe('Your TestWeb e-mail address is about to change');
    expect(notice.text).toContain('new-address@example.test');
    expect(notice.text).not.toContain('token=');
    const verify = await nthMail(sink, 'new-address@example.test');
    expect(verify.subject).toBe('Confirm your new e-mail address');
    // Nothing changes before the new address is confirmed.
    expect((await me(app, user.auth)).email).toBe('old-address@example.test');

    const token = linkToken(verify, 'verify-email');
    const ok = await post(app, '/api/auth/email/verify', { token });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await me(app, user.auth)).toMatchObject({
      email: 'new-address@example.test',
      emailVerified: true,
    });
    await login(app, 'new-address@example.test');
    expect((await post(app, '/api/auth/email/verify', { token })).statusCode).toBe(400);
  });

  it('a taken address is a 409 at the request, and at the confirmation if taken meanwhile', async () => {
    const user = await register(app, 'changer@example.test');
    await register(app, 'taken@example.test');
    const taken = await post(
      app,
      '/api/auth/email/change',
      { newEmail: 'TAKEN@example.test', password: PASSWORD },
      user,
    );
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'ERR_EMAIL_TAKEN' });

    const res = await post(
      app,
      '/api/auth/email/change',
      { newEmail: 'later-taken@example.test', password: PASSWORD },
      user,
    );
    expect(res.statusCode).toBe(202);
    const token = linkToken(await nthMail(sink, 'later-taken@example.test'), 'verify-email');
    await register(app, 'later-taken@example.test');
    const late = await post(app, '/api/auth/email/verify', { token });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ code: 'ERR_EMAIL_TAKEN' });
    expect((await me(app, user.auth)).email).toBe('changer@example.test');
  });

  it('refuses a wrong password, the current address, and bad input, naming the field', async () => {
    const user = await register(app, 'careful@example.test');
    const wrong = await post(
      app,
      '/api/auth/email/change',
      { newEmail: 'x@example.test', password: 'not it at all 123' },
      user,
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'ERR_WRONG_PASSWORD', errors: [{ field: '/body/password' }] });
    const same = await post(
      app,
      '/api/auth/email/change',
      { newEmail: 'Careful@example.test', password: PASSWORD },
      user,
    );
    expect(same.json()).toMatchObject({ status: 400, errors: [{ field: '/body/newEmail' }] });
    const bad = await post(
      app,
      '/api/auth/email/change',
      { newEmail: 'not-an-address', password: PASSWORD },
      user,
    );
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toContain('/body/newEmail');
    const noToken = await post(app, '/api/auth/email/verify', {});
    expect(noToken.statusCode).toBe(400);
    expect(JSON.stringify(noToken.json().errors)).toContain('token');
    const unknown = await post(app, '/api/auth/email/verify', { token: 'A'.repeat(43) });
    expect(unknown.json()).toMatchObject({ status: 400, code: 'ERR_LINK_INVALID' });
    expect(
      (await post(app, '/api/auth/email/change', { newEmail: 'y@example.test', password: PASSWORD }))
        .statusCode,
    ).toBe(401);
  });

  it('the outbox shows admins the verification e-mail without its token', async () => {
    const admin = await login(app, 'first-admin@example.test');
    const list = await app.inject({ url: '/api/admin/outbox?limit=100', headers: admin.auth });
    const item = list
      .json<{ items: { id: string; to: string; template: string }[] }>()
      .items.find((i) => i.to === 'verify.me@example.test' && i.template === 'verify_email')!;
    const one = await app.inject({ url: `/api/admin/outbox/${item.id}`, headers: admin.auth });
    const body = one.json<{ text: string; html: string }>();
    expect(body.text).toContain('/verify-email?token=[hidden]');
    expect(body.html).toContain('token=[hidden]');
    const sent = mailTo(sink, 'verify.me@example.test')[0]!;
    expect(body.text + body.html).not.toContain(linkToken(sent, 'verify-email'));
  });
});
