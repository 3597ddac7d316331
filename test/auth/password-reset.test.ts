import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { waitFor } from '../support/wait.ts';
import {
  buildAccountApp,
  linkToken,
  login,
  mailTo,
  meStatus,
  nthMail,
  PASSWORD,
  post,
  register,
} from './account-helpers.ts';

const NEW_PASSWORD = 'another sturdy passphrase 77';
let ipCounter = 0;
/** A client IP of its own per test, so the per-IP limit of one test does not spill into the next. */
const freshIp = () => `10.0.0.${++ipCounter}`;

describe.each(TEST_DATABASES)('forgot, reset and change password ($name)', (database) => {
  let app: FastifyInstance;
  let sink: SmtpSink;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    sink = await startSmtpSink({ all: true });
    const db = await database.create();
    drop = db.drop;
    ({ app } = await buildAccountApp(sink, db.config));
    await register(app, 'admin@example.test');
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
    await sink?.close();
  });

  const forgot = (email: string, remoteAddress = freshIp()) =>
    post(app, '/api/auth/password/forgot', { email }, undefined, { remoteAddress });
  const resetMail = async (email: string, n: number) => {
    await waitFor(
      () => mailTo(sink, email).filter((m) => m.subject === 'Reset your TestWeb password').length >= n,
      15_000,
      `reset e-mail #${n} to ${email}`,
    );
    return mailTo(sink, email).filter((m) => m.subject === 'Reset your TestWeb password')[n - 1]!;
  };

  it('answers the same for an unknown address, and sends nothing there', async () => {
    const user = await register(app, 'known@example.test');
    const known = await forgot(user.email);
    const unknown = await forgot('nobody@example.test');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    expect(unknown.headers['content-type']).toBe(known.headers['content-type']);
    await resetMail(user.email, 1);
    // The known address's mail came; one to the unknown one would have been queued at the same moment.
    expect(mailTo(sink, 'nobody@example.test')).toHaveLength(0);
  });

  it('the link resets the password once, and revokes every session and its access tokens at once', async () => {
    const user = await register(app, 'reset-me@example.test');
    const other = await login(app, user.email);
    expect(await meStatus(app, user)).toBe(200);
    await forgot(user.email);
    const mail = await resetMail(user.email, 1);
    expect(mail.text).toContain('30 minutes');
    const token = linkToken(mail, 'reset-password');

    const res = await post(app, '/api/auth/password/reset', { token, password: NEW_PASSWORD });
    expect(res.statusCode, res.body).toBe(200);
    // Both sign-ins: access tokens refused at once (not after ACCESS_TOKEN_TTL), refresh tokens dead.
    for (const s of [user, other]) {
      const me = await app.inject({ url: '/api/auth/me', headers: s.auth });
      expect(me.statusCode).toBe(401);
      expect(me.json()).toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
      const refresh = await post(app, '/api/auth/refresh', { refreshToken: s.refreshToken });
      expect(refresh.statusCode).toBe(401);
    }
    expect((await post(app, '/api/auth/login', { email: user.email, password: PASSWORD })).statusCode).toBe(
      401,
    );
    const fresh = await login(app, user.email, NEW_PASSWORD);
    expect(await meStatus(app, fresh)).toBe(200);

    const again = await post(app, '/api/auth/password/reset', {
      token,
      password: 'yet another passphrase 88',
    });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'ERR_LINK_INVALID' });
  });

  it('a link expires after PASSWORD_RESET_TTL (30 min), and a newer link replaces an older one', async () => {
    const user = await register(app, 'slow@example.test');
    await forgot(user.email);
    const first = linkToken(await resetMail(user.email, 1), 'reset-password');
    await forgot(user.email);
    const second = linkToken(await resetMail(user.email, 2), 'reset-password');
    expect(
      (await post(app, '/api/auth/password/reset', { token: first, password: NEW_PASSWORD })).statusCode,
    ).toBe(400);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 30 * 60_000 + 1000);
      const late = await post(app, '/api/auth/password/reset', { token: second, password: NEW_PASSWORD });
      expect(late.statusCode).toBe(400);
      expect(late.json()).toMatchObject({ code: 'ERR_LINK_INVALID' });
    } finally {
      vi.useRealTimers();
    }
    await login(app, user.email, PASSWORD);
  });

  it('the password policy applies, and a refused password does not spend the link', async () => {
    const user = await register(app, 'weak@example.test');
    await forgot(user.email);
    const token = linkToken(await resetMail(user.email, 1), 'reset-password');
    const weak = await post(app, '/api/auth/password/reset', { token, password: 'password1' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'ERR_VALIDATION', errors: [{ field: '/body/password' }] });
    expect((await post(app, '/api/auth/password/reset', { token, password: NEW_PASSWORD })).statusCode).toBe(
      200,
    );
  });

  it('is rate-limited per IP and per address (the same for unknown addresses)', async () => {
    const ip = freshIp();
    const perIp = [];
    for (let i = 0; i < 11; i++) perIp.push((await forgot(`ip-${i}@example.test`, ip)).statusCode);
    expect(perIp.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(perIp[10]).toBe(429);
    const perAddress = [];
    for (let i = 0; i < 4; i++) perAddress.push((await forgot('target@example.test')).statusCode);
    expect(perAddress).toEqual([202, 202, 202, 429]);
  });

  it('changing the password needs the current one, keeps this session and signs the others out', async () => {
    const user = await register(app, 'changer@example.test');
    const other = await login(app, user.email);
    const wrong = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: 'not my password 1', newPassword: NEW_PASSWORD },
      user,
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({
      code: 'ERR_WRONG_PASSWORD',
      errors: [{ field: '/body/currentPassword' }],
    });
    const weak = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: PASSWORD, newPassword: 'short' },
      user,
    );
    expect(weak.json()).toMatchObject({ status: 400, errors: [{ field: '/body/newPassword' }] });

    const res = await post(
      app,
      '/api/auth/password/change',
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      user,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ otherSessionsRevoked: 1 });
    expect(await meStatus(app, user)).toBe(200);
    expect((await post(app, '/api/auth/refresh', { refreshToken: user.refreshToken })).statusCode).toBe(200);
    expect(await meStatus(app, other)).toBe(401);
    expect((await post(app, '/api/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(401);
    await login(app, user.email, NEW_PASSWORD);
    const notice = await nthMail(sink, user.email, 2);
    expect(notice.subject).toBe('Your TestWeb password was changed');
  });

  it('limits wrong current passwords per account', async () => {
    const user = await register(app, 'guesser@example.test');
    const codes = [];
    for (let i = 0; i < 6; i++)
      codes.push(
        (
          await post(
            app,
            '/api/auth/password/change',
            { currentPassword: `guess number ${i}x`, newPassword: NEW_PASSWORD },
            user,
          )
        ).statusCode,
      );
    expect(codes).toEqual([400, 400, 400, 400, 400, 429]);
  });

  it('refuses bad input naming the field, and needs sign-in to change', async () => {
    const bad = await post(app, '/api/auth/password/forgot', { email: 'nope' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toContain('/body/email');
    const missing = await post(app, '/api/auth/password/reset', { token: 'abc' });
    expect(missing.statusCode).toBe(400);
    expect(JSON.stringify(missing.json().errors)).toContain('password');
    const extra = await post(app, '/api/auth/password/forgot', { email: 'a@example.test', admin: true });
    expect(extra.statusCode).toBe(400);
    expect(
      (await post(app, '/api/auth/password/change', { currentPassword: 'x', newPassword: 'y' })).statusCode,
    ).toBe(401);
  });
});
