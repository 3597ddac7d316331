import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { buildQueueApp, queueEnv } from '../queue/support/queue-app.ts';

const CLI = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));
const PASSWORD = 'a sturdy passphrase 42';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real `testweb` as a child process (async: this process's server must keep answering it). */
function cli(args: string[], env: Record<string, string>, stdin = ''): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe.each(TEST_DATABASES)('testweb login, run and logout with an API token ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let server: string;
  let user: TestUser;
  const home = mkdtempSync(path.join(tmpdir(), 'testweb-home-'));
  const xdg = path.join(home, 'xdg');
  const file = path.join(xdg, 'testweb', 'credentials.json');
  const stored = () =>
    JSON.parse(readFileSync(file, 'utf8')) as {
      servers: Record<string, { token: string; tokenId: string; email: string }>;
    };

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildQueueApp(queueEnv('embedded'), db.config);
    server = await app.listen({ port: 0, host: '127.0.0.1' });
    await registerUser(app); // the admin
    user = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
    rmSync(home, { recursive: true, force: true });
  });

  it('login (password on stdin) stores a token in a 0600 file; run uses it; logout revokes it', async () => {
    const env = { HOME: home, XDG_CONFIG_HOME: xdg };
    const login = await cli(['login', '--server', server, '--email', user.email], env, `${PASSWORD}\n`);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(`Logged in to ${server} as ${user.email}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const entry = stored().servers[server]!;
    expect(entry.token).toMatch(/^tw_/);
    expect(login.stdout).not.toContain(entry.token);

    const list = await app.inject({ method: 'GET', url: '/api/auth/tokens', headers: user.auth });
    expect(list.json<{ items: unknown[] }>().items).toEqual([
      expect.objectContaining({ id: entry.tokenId, scopes: ['tests:read', 'tests:write'] }),
    ]);

    const run = await cli(['run', 'sleep', 'http://127.0.0.1:9/cli', '--server', server], env);
    expect(run.stderr).toContain('queued');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PASSED');
    const tests = await app.inject({ method: 'GET', url: '/api/tests', headers: user.auth });
    expect(tests.body).toContain('http://127.0.0.1:9/cli');

    const logout = await cli(['logout', '--server', server], env);
    expect(logout.code).toBe(0);
    expect(stored().servers[server]).toBeUndefined();
    const revoked = await app.inject({
      method: 'GET',
      url: '/api/tests',
      headers: { authorization: `Bearer ${entry.token}` },
    });
    expect(revoked.statusCode).toBe(401);
    const after = await cli(['run', 'sleep', 'http://127.0.0.1:9/cli', '--server', server], env);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('401');
  }, 120_000);

  it('run takes TESTWEB_TOKEN (CI), with HOME as the only config location', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: user.auth,
      payload: { name: 'ci', scopes: ['tests:read', 'tests:write'] },
    });
    const { token } = res.json<{ token: string }>();
    const run = await cli(['run', 'sleep', 'http://127.0.0.1:9/env', '--server', server], {
      HOME: home,
      TESTWEB_TOKEN: token,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PASSED');

    const readOnly = await app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: user.auth,
      payload: { name: 'ro', scopes: ['tests:read'] },
    });
    const refused = await cli(['run', 'sleep', 'http://127.0.0.1:9/ro', '--server', server], {
      HOME: home,
      TESTWEB_TOKEN: readOnly.json<{ token: string }>().token,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('tests:write');
  }, 120_000);

  it('login asks for the TOTP code when the account has MFA (second line of stdin), under ~/.config', async () => {
    const mfaUser = await registerUser(app);
    const setup = await app.inject({
      method: 'POST',
      url: '/api/auth/mfa/setup',
      headers: mfaUser.auth,
      payload: {},
    });
    const totp = new TOTP({ secret: setup.json<{ secret: string }>().secret });
    const enable = await app.inject({
      method: 'POST',
      url: '/api/auth/mfa/enable',
      headers: mfaUser.auth,
      payload: { code: totp.generate() },
    });
    expect(enable.statusCode).toBe(200);
    // The step that enabled MFA is spent; the next one is within the ±1 window.
    const code = totp.generate({ timestamp: Date.now() + 30_000 });
    const home2 = mkdtempSync(path.join(tmpdir(), 'testweb-home-'));
    try {
      const login = await cli(
        ['login', '--server', server, '--email', mfaUser.email],
        { HOME: home2 },
        `${PASSWORD}\n${code}\n`,
      );
      expect(login.stderr).toBe('');
      expect(login.code).toBe(0);
      const written = path.join(home2, '.config', 'testweb', 'credentials.json');
      expect(statSync(written).mode & 0o777).toBe(0o600);
      const noCode = await cli(['login', '--server', server, '--email', mfaUser.email], {
        HOME: home2,
        TESTWEB_PASSWORD: PASSWORD,
      });
      expect(noCode.code).toBe(2);
      expect(noCode.stderr).toContain('MFA');
    } finally {
      rmSync(home2, { recursive: true, force: true });
    }
  }, 120_000);
});
