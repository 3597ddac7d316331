import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../../src/app.ts';
import type { DatabaseConfig } from '../../../src/config/index.ts';
import { createMfaChallengeRepository } from '../../../src/modules/auth/mfa/mfa-challenge.repository.ts';
import { createSecondFactor } from '../../../src/modules/auth/mfa/second-factor.ts';
import { createSecretBox } from '../../../src/shared/crypto/index.ts';
import { buildTestApp, TEST_SECRETS, testConfig } from '../../support/app.ts';
import { POSTGRES_URL, REDIS_URL, TEST_DATABASES } from '../../support/databases.ts';
import { dropPrefix, uniquePrefix } from '../../support/redis.ts';
import { codeOf, login, nextStep, PASSWORD, post, userWithMfa, verify } from './mfa-helpers.ts';

const OLD_KEY = TEST_SECRETS.ENCRYPTION_KEY;
const NEW_KEY = 'the-encryption-key-after-the-rotation-0123456789';

describe.each(TEST_DATABASES)('MFA on $name', (target) => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    vi.useRealTimers();
  });

  /** A database that outlives an app (PGlite in a directory), so a second app can open it with other keys. */
  async function lastingDatabase(): Promise<DatabaseConfig> {
    const database = await target.create();
    cleanup.push(database.drop);
    if (target.name !== 'pglite') return database.config;
    const dir = mkdtempSync(path.join(tmpdir(), 'testweb-mfa-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return { driver: 'pglite', dir };
  }

  it('secrets survive a key rotation (re-sealed under the new key), and no secret, code or token reaches the logs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const database = await lastingDatabase();
    const logs: string[] = [];
    const logStream = new Writable({
      write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString()), done()),
    });
    const start = async (env: Record<string, string>) => {
      const app = await buildApp({ config: testConfig({ LOG_LEVEL: 'debug', ...env }, database), logStream });
      await app.ready();
      return app;
    };
    const sealed = async (app: FastifyInstance, id: string) =>
      (
        await app.database.db
          .selectFrom('users')
          .select('mfa_secret_encrypted')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).mfa_secret_encrypted!;
    const shown: string[] = [];
    const signIn = async (app: FastifyInstance, email: string, secret: string) => {
      const { mfaToken } = await login(app, email);
      const code = codeOf(secret);
      shown.push(mfaToken, code);
      const res = await verify(app, { mfaToken, code });
      nextStep();
      return res;
    };

    const before = await start({});
    const user = await userWithMfa(before);
    shown.push(user.secret, user.enableCode, ...user.backupCodes, PASSWORD);
    const underOld = await sealed(before, user.id);
    expect(underOld).not.toContain(user.secret);
    expect(createSecretBox(OLD_KEY).open(underOld)).toBe(user.secret);
    await before.close();

    const rotated = await start({ ENCRYPTION_KEY: NEW_KEY, ENCRYPTION_KEY_PREVIOUS: OLD_KEY });
    expect((await signIn(rotated, user.email, user.secret)).statusCode).toBe(200);
    const underNew = await sealed(rotated, user.id);
    expect(underNew.split('.')[1]).not.toBe(underOld.split('.')[1]);
    expect(createSecretBox(NEW_KEY).open(underNew)).toBe(user.secret);
    // Re-sealed: the old key can now be dropped (the sealed value opens under the new key alone, above).
    const backup = await verify(rotated, {
      mfaToken: (await login(rotated, user.email)).mfaToken,
      backupCode: user.backupCodes[0]!,
    });
    expect(backup.statusCode).toBe(200);

    // Sealed under a key the server does not have (ENCRYPTION_KEY changed without ENCRYPTION_KEY_PREVIOUS):
    // a TOTP code gets a 503 saying what to do, not a bare 500, and a backup code still signs in.
    const lostKey = createSecretBox('a-key-nobody-kept-when-rotating-0123456789ab');
    await rotated.database.db
      .updateTable('users')
      .set({ mfa_secret_encrypted: lostKey.seal(user.secret) })
      .where('id', '=', user.id)
      .execute();
    const unreadable = await signIn(rotated, user.email, user.secret);
    expect(unreadable.statusCode, unreadable.body).toBe(503);
    expect(unreadable.json()).toMatchObject({ code: 'ERR_MFA_SECRET_UNREADABLE' });
    expect(unreadable.json().detail).toContain('backup code');
    const stillBackup = await verify(rotated, {
      mfaToken: (await login(rotated, user.email)).mfaToken,
      backupCode: user.backupCodes[1]!,
    });
    expect(stillBackup.statusCode, stillBackup.body).toBe(200);
    await rotated.close();

    const text = logs.join('');
    expect(text).toContain('MFA enabled'); // the capture works
    for (const secret of shown) expect(text).not.toContain(secret);
  }, 180_000); // PGlite on disk: two app starts with migrations, slow on a busy machine

  it('asks an account without a password (OAuth) for the same step, and disabling needs only its code', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const database = await target.create();
    cleanup.push(database.drop);
    const app = await buildTestApp({}, database.config);
    cleanup.push(() => app.close());
    const user = await userWithMfa(app);
    const db = app.database.db;
    const row = await db
      .updateTable('users')
      .set({ password_hash: null })
      .where('id', '=', user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    // What AuthService.signIn asks after an OAuth callback (the port the app wires in).
    const port = createSecondFactor({
      challenges: createMfaChallengeRepository(db),
      tokenTtlMs: 300_000,
      now: Date.now,
    });
    const challenge = await port.challenge(row, { ip: '127.0.0.1', userAgent: null }, 'github');
    expect(challenge).toMatchObject({ mfaRequired: true, expiresIn: 300 });
    const res = await verify(app, { mfaToken: challenge!.mfaToken, code: codeOf(user.secret) });
    expect(res.statusCode).toBe(200);
    nextStep();
    const off = await post(app, '/api/auth/mfa/disable', { code: codeOf(user.secret) }, user.auth);
    expect(off.statusCode).toBe(204);
    expect(
      await port.challenge({ ...row, mfa_enabled: false }, { ip: '127.0.0.1', userAgent: null }, 'google'),
    ).toBeNull();
  });
});

describe.runIf(POSTGRES_URL && REDIS_URL)('MFA in services mode (PostgreSQL + Redis)', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    vi.useRealTimers();
  });

  it('two API processes share one budget of wrong codes per account', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const database = await TEST_DATABASES.find((d) => d.name === 'postgres')!.create();
    cleanup.push(database.drop);
    const prefix = uniquePrefix('mfa');
    cleanup.push(() => dropPrefix(prefix));
    const env = { REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: prefix, QUEUE_PREFIX: prefix.slice(0, -1) };
    const a = await buildTestApp(env, database.config);
    cleanup.push(() => a.close());
    const b = await buildTestApp(env, database.config);
    cleanup.push(() => b.close());

    const user = await userWithMfa(a);
    const { mfaToken } = await login(a, user.email);
    const answers: number[] = [];
    for (let i = 0; i < 6; i++)
      answers.push((await verify(i % 2 ? b : a, { mfaToken, code: '000000' })).statusCode);
    expect(answers).toEqual([401, 401, 401, 401, 401, 429]);
    const right = await verify(a, { mfaToken, code: codeOf(user.secret) });
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
  });
});
