import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_DATABASES } from '../support/databases.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { waitFor } from '../support/wait.ts';
import { buildAccountApp, linkToken, login, mailTo, nthMail, post, register } from './account-helpers.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const code = (secret: string) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: Date.now() });

/**
 * Every account flow at trace level with the logs captured, then every secret the flows produced — and
 * the SHA-256 the database keeps of each token — looked for in the logs. The e-mails themselves went to
 * the loopback SMTP server (with trace on, the SMTP client's conversation would be the first leak).
 */
describe.each(TEST_DATABASES)('account flows keep secrets out of the logs ($name)', (database) => {
  let app: FastifyInstance;
  let lines: string[];
  let sink: SmtpSink;
  let drop: () => Promise<void>;
  const secrets = new Map<string, string>();
  const keep = (what: string, value: string | undefined) => {
    expect(value, what).toBeTruthy();
    secrets.set(`${what}`, value!);
  };

  beforeAll(async () => {
    sink = await startSmtpSink({ all: true });
    const db = await database.create();
    drop = db.drop;
    ({ app, lines } = await buildAccountApp(sink, db.config, {
      LOG_LEVEL: 'trace',
      REFRESH_REUSE_GRACE: '0s',
    }));
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await drop?.();
    await sink?.close();
  });

  it('has no password, link token, refresh or access token, TOTP secret, backup code or API token', async () => {
    const passwords = ['first admin passphrase 71', 'secret passphrase user 93', 'reset passphrase 55 zeta'];
    const changed = 'changed passphrase 66 omega';
    const admin = await register(app, 'log-admin@example.test', passwords[0]);
    const user = await register(app, 'log-user@example.test', passwords[1]);
    keep('admin access token', admin.accessToken);
    keep('admin refresh token', admin.refreshToken);
    passwords.forEach((p, i) => keep(`password ${i}`, p));
    keep('changed password', changed);

    // Verification link, and a failed attempt with it after use.
    const verify = linkToken(await nthMail(sink, user.email), 'verify-email');
    keep('verification token', verify);
    expect((await post(app, '/api/auth/email/verify', { token: verify })).statusCode).toBe(200);
    expect((await post(app, '/api/auth/email/verify', { token: verify })).statusCode).toBe(400);

    // Refresh (and a reuse, which is logged as a warning), sessions.
    const again = await login(app, user.email, passwords[1]);
    keep('access token', again.accessToken);
    keep('refresh token', again.refreshToken);
    const refreshed = await post(app, '/api/auth/refresh', { refreshToken: again.refreshToken });
    keep('rotated refresh token', refreshed.json<{ refreshToken: string }>().refreshToken);
    keep('rotated access token', refreshed.json<{ accessToken: string }>().accessToken);
    await post(app, '/api/auth/refresh', { refreshToken: again.refreshToken });
    await app.inject({ url: `/api/auth/sessions?token=${user.accessToken}`, headers: user.auth });

    // Forgot and reset; a wrong login with something password-like.
    expect((await post(app, '/api/auth/password/forgot', { email: user.email })).statusCode).toBe(202);
    const reset = linkToken(await nthMail(sink, user.email, 2), 'reset-password');
    keep('reset token', reset);
    expect(
      (await post(app, '/api/auth/password/reset', { token: reset, password: passwords[2] })).statusCode,
    ).toBe(200);
    await post(app, '/api/auth/password/reset', { token: reset, password: passwords[2] });
    await post(app, '/api/auth/login', { email: user.email, password: `${passwords[2]}-typo` });
    secrets.set('mistyped password', `${passwords[2]}-typo`);

    // Change password (a wrong current one first), then the e-mail address.
    const signedIn = await login(app, user.email, passwords[2]);
    keep('access token after reset', signedIn.accessToken);
    keep('refresh token after reset', signedIn.refreshToken);
    await post(
      app,
      '/api/auth/password/change',
      { currentPassword: 'wrong current 4242 x', newPassword: changed },
      signedIn,
    );
    secrets.set('wrong current password', 'wrong current 4242 x');
    expect(
      (
        await post(
          app,
          '/api/auth/password/change',
          { currentPassword: passwords[2], newPassword: changed },
          signedIn,
        )
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await post(
          app,
          '/api/auth/email/change',
          { newEmail: 'log-new@example.test', password: changed },
          signedIn,
        )
      ).statusCode,
    ).toBe(202);
    const change = linkToken(await nthMail(sink, 'log-new@example.test'), 'verify-email');
    keep('e-mail change token', change);
    expect((await post(app, '/api/auth/email/verify', { token: change })).statusCode).toBe(200);

    // MFA (setup secret, backup codes, the sign-in's mfaToken) and a personal API token.
    vi.useFakeTimers({ toFake: ['Date'] });
    const setup = await post(app, '/api/auth/mfa/setup', {}, signedIn);
    const { secret } = setup.json<{ secret: string }>();
    keep('TOTP secret', secret);
    const enable = await post(app, '/api/auth/mfa/enable', { code: code(secret) }, signedIn);
    const backupCodes = enable.json<{ backupCodes: string[] }>().backupCodes;
    expect(backupCodes.length).toBeGreaterThan(0);
    backupCodes.forEach((c, i) => keep(`backup code ${i}`, c));
    vi.setSystemTime(Date.now() + 30_000);
    const challenge = await post(app, '/api/auth/login', {
      email: 'log-new@example.test',
      password: changed,
    });
    const { mfaToken } = challenge.json<{ mfaToken: string }>();
    keep('mfa token', mfaToken);
    const viaBackup = await post(app, '/api/auth/mfa/verify', { mfaToken, backupCode: backupCodes[0] });
    expect(viaBackup.statusCode, viaBackup.body).toBe(200);
    keep('access token after MFA', viaBackup.json<{ accessToken: string }>().accessToken);
    keep('refresh token after MFA', viaBackup.json<{ refreshToken: string }>().refreshToken);
    vi.useRealTimers();
    const created = await post(app, '/api/auth/tokens', { name: 'ci', scopes: ['tests:read'] }, signedIn);
    expect(created.statusCode, created.body).toBe(201);
    const apiToken = created.json<{ token: string }>().token;
    keep('API token', apiToken);
    await app.inject({ url: '/api/tests', headers: { authorization: `Bearer ${apiToken}` } });

    // Sessions deleted, everyone signed out, the account disabled by the admin.
    await post(app, '/api/auth/logout-all', undefined, signedIn);
    await app.inject({
      method: 'PATCH',
      url: `/api/admin/users/${user.id}`,
      headers: admin.auth,
      payload: { disabled: true },
    });
    await app.inject({ url: '/api/auth/me', headers: signedIn.auth });

    await waitFor(
      () => mailTo(sink, 'log-new@example.test').length >= 1,
      15_000,
      'the last e-mail delivered',
    );
    const all = lines.join('');
    expect(all).toContain('incoming request');
    expect(app.log.level).toBe('trace');
    const leaks: string[] = [];
    for (const [what, value] of secrets) {
      if (all.includes(value)) leaks.push(what);
      if (all.includes(sha256(value))) leaks.push(`${what} (its SHA-256)`);
    }
    expect(leaks).toEqual([]);
  });
});
