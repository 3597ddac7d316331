import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, registerUser } from '../../support/app.ts';
import { TEST_DATABASES } from '../../support/databases.ts';
import { codeOf, login, nextStep, PASSWORD, post, userWithMfa, verify } from './mfa-helpers.ts';

const MFA_TOKEN_TTL_MS = 5 * 60_000;
// Below the 5-attempt budget, so every request reaches the code check.
const SIMULTANEOUS = 4;

describe.each(TEST_DATABASES)('TOTP MFA through HTTP on $name', (target) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    // Date only: TOTP steps and the mfaToken's expiry follow the clock the test moves; timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    const database = await target.create();
    drop = database.drop;
    app = await buildTestApp({}, database.config);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
    vi.useRealTimers();
  });
  beforeEach(() => nextStep());

  const me = async (authorization: string) =>
    (await app.inject({ url: '/api/auth/me', headers: { authorization } })).json<{
      id: string;
      mfaEnabled: boolean;
    }>();

  it('setup → enable → login asks for the code → verify answers tokens', async () => {
    const user = await registerUser(app);
    const setup = await post(app, '/api/auth/mfa/setup', {}, user.auth);
    expect(setup.statusCode).toBe(200);
    expect(setup.headers['cache-control']).toBe('no-store');
    const { secret, otpauthUri, qrCode } = setup.json<{
      secret: string;
      otpauthUri: string;
      qrCode: string;
    }>();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toBe(
      `otpauth://totp/TestWeb:${encodeURIComponent(user.email)}?issuer=TestWeb&secret=${secret}&algorithm=SHA1&digits=6&period=30`,
    );
    const png = Buffer.from(qrCode.replace(/^data:image\/png;base64,/, ''), 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(qrCode).toBe(await QRCode.toDataURL(otpauthUri)); // the QR code of that URI

    // Setup alone changes nothing: sign-in still answers tokens.
    expect((await me(user.auth.authorization)).mfaEnabled).toBe(false);
    expect((await login(app, user.email)).accessToken).toBeDefined();

    const wrong = await post(app, '/api/auth/mfa/enable', { code: '000000' }, user.auth);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ code: 'ERR_MFA_CODE_INVALID', errors: [{ field: '/body/code' }] });

    const code = codeOf(secret);
    const enable = await post(app, '/api/auth/mfa/enable', { code }, user.auth);
    expect(enable.statusCode).toBe(200);
    const { backupCodes } = enable.json<{ backupCodes: string[] }>();
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);
    for (const c of backupCodes) expect(c).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    expect((await me(user.auth.authorization)).mfaEnabled).toBe(true);

    const challenge = await login(app, user.email);
    expect(challenge).toEqual({ mfaRequired: true, mfaToken: expect.any(String), expiresIn: 300 });

    // The code that enabled MFA is spent: its time step is refused a second time.
    const replay = await verify(app, { mfaToken: challenge.mfaToken, code });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ code: 'ERR_MFA_CODE_USED' });

    nextStep();
    const ok = await verify(app, { mfaToken: challenge.mfaToken, code: codeOf(secret) });
    expect(ok.statusCode).toBe(200);
    const tokens = ok.json<{ accessToken: string; refreshToken: string; user: { id: string } }>();
    expect(tokens.user.id).toBe(user.id);
    expect((await me(`Bearer ${tokens.accessToken}`)).id).toBe(user.id);

    // Single use.
    nextStep();
    const again = await verify(app, { mfaToken: challenge.mfaToken, code: codeOf(secret) });
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ code: 'ERR_MFA_TOKEN_USED' });

    const resetup = await post(app, '/api/auth/mfa/setup', {}, user.auth);
    expect(resetup.statusCode).toBe(409);
    expect(resetup.json()).toMatchObject({ code: 'ERR_MFA_ALREADY_ENABLED' });
  });

  it('enable before setup is refused', async () => {
    const user = await registerUser(app);
    const res = await post(app, '/api/auth/mfa/enable', { code: '123456' }, user.auth);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ERR_MFA_SETUP_REQUIRED' });
  });

  it('a backup code signs in once', async () => {
    const user = await userWithMfa(app);
    const first = await login(app, user.email);
    // As typed on a phone: upper case, no hyphens.
    const typed = user.backupCodes[0]!.replace(/-/g, '').toUpperCase();
    const ok = await verify(app, { mfaToken: first.mfaToken, backupCode: typed });
    expect(ok.statusCode).toBe(200);

    const second = await login(app, user.email);
    const reused = await verify(app, { mfaToken: second.mfaToken, backupCode: user.backupCodes[0]! });
    expect(reused.statusCode).toBe(401);
    expect(reused.json()).toMatchObject({ code: 'ERR_MFA_CODE_INVALID' });
    const other = await verify(app, { mfaToken: second.mfaToken, backupCode: user.backupCodes[1]! });
    expect(other.statusCode).toBe(200);

    const status = await app.inject({ url: '/api/auth/mfa', headers: user.auth });
    expect(status.json()).toEqual({ enabled: true, setupPending: false, backupCodesRemaining: 8 });
  });

  it('of simultaneous sign-ins with the same code exactly one passes', async () => {
    const user = await userWithMfa(app);
    const challenges = [];
    for (let i = 0; i < SIMULTANEOUS; i++) challenges.push(await login(app, user.email));
    const code = codeOf(user.secret);
    const answers = await Promise.all(challenges.map((c) => verify(app, { mfaToken: c.mfaToken, code })));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, ...Array(SIMULTANEOUS - 1).fill(401)]);
    for (const r of answers.filter((r) => r.statusCode === 401))
      expect(r.json()).toMatchObject({ code: 'ERR_MFA_CODE_USED' });
  });

  it('five wrong codes in a row → 429 with Retry-After, even for the right code; other accounts are not affected', async () => {
    const user = await userWithMfa(app);
    const { mfaToken } = await login(app, user.email);
    for (let i = 0; i < 5; i++) {
      const res = await verify(app, { mfaToken, code: '000000' });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'ERR_MFA_CODE_INVALID' });
    }
    const locked = await verify(app, { mfaToken, code: codeOf(user.secret) });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(locked.json()).toMatchObject({ code: 'ERR_MFA_RATE_LIMITED' });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // The signed-in routes spend the same budget.
    const disable = await post(
      app,
      '/api/auth/mfa/disable',
      { password: PASSWORD, code: codeOf(user.secret) },
      user.auth,
    );
    expect(disable.statusCode).toBe(429);

    const other = await userWithMfa(app);
    const otherLogin = await login(app, other.email);
    expect(
      (await verify(app, { mfaToken: otherLogin.mfaToken, code: codeOf(other.secret) })).statusCode,
    ).toBe(200);

    // Once Retry-After has passed, the account may try again.
    vi.setSystemTime(Date.now() + retryAfter * 1000 + 1000);
    const later = await login(app, user.email);
    expect((await verify(app, { mfaToken: later.mfaToken, code: codeOf(user.secret) })).statusCode).toBe(200);
  });

  it('a right code gives the budget back', async () => {
    const user = await userWithMfa(app);
    for (let round = 0; round < 2; round++) {
      const { mfaToken } = await login(app, user.email);
      for (let i = 0; i < 4; i++)
        expect((await verify(app, { mfaToken, code: '000000' })).statusCode).toBe(401);
      expect((await verify(app, { mfaToken, code: codeOf(user.secret) })).statusCode).toBe(200);
      nextStep();
    }
  });

  it('disabling needs the password and a code', async () => {
    const user = await userWithMfa(app);
    const code = codeOf(user.secret);
    const noPassword = await post(
      app,
      '/api/auth/mfa/disable',
      { password: 'not my password', code },
      user.auth,
    );
    expect(noPassword.statusCode).toBe(400);
    expect(noPassword.json()).toMatchObject({
      code: 'ERR_MFA_PASSWORD_INVALID',
      errors: [{ field: '/body/password' }],
    });
    const noCode = await post(app, '/api/auth/mfa/disable', { password: PASSWORD }, user.auth);
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json()).toMatchObject({ code: 'ERR_VALIDATION', errors: [{ field: '/body/code' }] });
    const wrongCode = await post(
      app,
      '/api/auth/mfa/disable',
      { password: PASSWORD, code: '000000' },
      user.auth,
    );
    expect(wrongCode.statusCode).toBe(400);
    expect(wrongCode.json()).toMatchObject({ code: 'ERR_MFA_CODE_INVALID' });
    expect((await me(user.auth.authorization)).mfaEnabled).toBe(true);

    const ok = await post(app, '/api/auth/mfa/disable', { password: PASSWORD, code }, user.auth);
    expect(ok.statusCode).toBe(204);
    expect((await me(user.auth.authorization)).mfaEnabled).toBe(false);
    expect((await login(app, user.email)).accessToken).toBeDefined();
    const twice = await post(app, '/api/auth/mfa/disable', { password: PASSWORD, code }, user.auth);
    expect(twice.json()).toMatchObject({ code: 'ERR_MFA_NOT_ENABLED' });
  });

  it('regenerating the backup codes (password + a backup code) makes the old ones stop working', async () => {
    const user = await userWithMfa(app);
    const res = await post(
      app,
      '/api/auth/mfa/backup-codes',
      { password: PASSWORD, backupCode: user.backupCodes[0]! },
      user.auth,
    );
    expect(res.statusCode).toBe(200);
    const fresh = res.json<{ backupCodes: string[] }>().backupCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => user.backupCodes.includes(c))).toBe(false);

    const { mfaToken } = await login(app, user.email);
    const old = await verify(app, { mfaToken, backupCode: user.backupCodes[1]! });
    expect(old.statusCode).toBe(401);
    expect((await verify(app, { mfaToken, backupCode: fresh[0]! })).statusCode).toBe(200);

    const wrongPassword = await post(
      app,
      '/api/auth/mfa/backup-codes',
      { password: 'not my password', code: codeOf(user.secret) },
      user.auth,
    );
    expect(wrongPassword.json()).toMatchObject({ code: 'ERR_MFA_PASSWORD_INVALID' });
  });

  it('the mfaToken expires, and is bound to the account it was issued for', async () => {
    const ann = await userWithMfa(app);
    const bob = await userWithMfa(app);
    const { mfaToken } = await login(app, ann.email);
    // Bob's right code does not complete Ann's sign-in.
    const crossed = await verify(app, { mfaToken, code: codeOf(bob.secret) });
    expect(crossed.statusCode).toBe(401);
    expect(crossed.json()).toMatchObject({ code: 'ERR_MFA_CODE_INVALID' });
    const crossedBackup = await verify(app, { mfaToken, backupCode: bob.backupCodes[0]! });
    expect(crossedBackup.json()).toMatchObject({ code: 'ERR_MFA_CODE_INVALID' });
    const ok = await verify(app, { mfaToken, code: codeOf(ann.secret) });
    expect(ok.json<{ user: { id: string } }>().user.id).toBe(ann.id);

    const late = await login(app, ann.email);
    vi.setSystemTime(Date.now() + MFA_TOKEN_TTL_MS + 1000);
    const expired = await verify(app, { mfaToken: late.mfaToken, code: codeOf(ann.secret) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'ERR_MFA_TOKEN_EXPIRED' });

    const bogus = await verify(app, { mfaToken: 'not-a-token', code: codeOf(ann.secret) });
    expect(bogus.statusCode).toBe(401);
    expect(bogus.json()).toMatchObject({ code: 'ERR_MFA_TOKEN_INVALID' });
  });

  it('stores the secret sealed and the backup codes hashed', async () => {
    const user = await userWithMfa(app);
    const row = await app.database.db
      .selectFrom('users')
      .select(['mfa_secret_encrypted', 'mfa_pending_secret_encrypted'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.mfa_secret_encrypted).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(row.mfa_secret_encrypted).not.toContain(user.secret);
    expect(row.mfa_pending_secret_encrypted).toBeNull();
    const hashes = await app.database.db
      .selectFrom('mfa_backup_codes')
      .select('code_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(hashes).toHaveLength(10);
    const stored = hashes.map((h) => h.code_hash).join(' ');
    for (const c of user.backupCodes) {
      expect(stored).not.toContain(c);
      expect(stored).not.toContain(c.replace(/-/g, ''));
    }
  });
});
