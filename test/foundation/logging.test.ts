import { spawn, spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { TEST_SECRETS, testConfig } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { waitFor } from '../support/wait.ts';

function capture() {
  const lines: string[] = [];
  return {
    lines,
    logStream: new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }),
  };
}

describe('logs', () => {
  it('never contain passwords, tokens or secrets, even at trace level', async () => {
    const lines: string[] = [];
    const logStream = new Writable({
      write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()),
    });
    const config = testConfig({ LOG_LEVEL: 'trace', REFRESH_REUSE_GRACE: '0s' });
    const app = await buildApp({ config, logStream });
    try {
      const password = 'secret passphrase 9000';
      const reg = await app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: 'log@example.test', password },
      });
      const { accessToken, refreshToken } = reg.json();
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'log@example.test', password: 'wrong ' + password },
      });
      await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
      await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } }); // reuse: logged as a warning
      await app.inject({
        url: `/api/auth/me?token=${accessToken}`,
        headers: { authorization: `Bearer ${accessToken}`, cookie: `s=${refreshToken}` },
      });
      const all = lines.join('');
      expect(all).toContain('incoming request');
      expect(all).toContain('refresh token reused');
      for (const secret of [password, accessToken, refreshToken, config.jwtSecret, config.encryptionKey])
        expect(all).not.toContain(secret);
    } finally {
      await app.close();
    }
  });
});

describe.each(TEST_DATABASES)('a database error in the logs ($name)', (database) => {
  it('keeps its message and code but not the input it quotes', async () => {
    const db = await database.create();
    const { lines, logStream } = capture();
    const app = await buildApp({
      config: testConfig({ LOG_LEVEL: 'info' }, db.config),
      logStream,
      worker: false,
    });
    try {
      // PostgreSQL quotes the JSON text it refused in `where` ("JSON data, line 1: …") and the token in `detail`.
      const input = JSON.stringify({ note: 'quoted-input-5c2e', bad: '\u0000' });
      const err = await sql`select ${input}::jsonb`.execute(app.database.db).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ where: expect.stringContaining('quoted-input-5c2e') });
      app.log.error({ err }, 'unhandled error');
      const line = lines.find((l) => l.includes('"unhandled error"'))!;
      expect(JSON.parse(line)).toMatchObject({
        level: 50,
        err: { message: expect.stringMatching(/unicode|json/i), code: expect.any(String) },
      });
      expect(line).not.toContain('quoted-input-5c2e');
    } finally {
      await app.close();
      await db.drop();
    }
  });
});

/** `testweb serve` in development, its stdout a terminal (through util-linux `script`) or a pipe; output until it listens. */
async function serveOutput(terminal: boolean): Promise<string> {
  const env = {
    ...process.env,
    ...TEST_SECRETS,
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: 'memory://',
    LOG_LEVEL: 'info',
  };
  const command = [process.execPath, '--import', 'tsx', 'src/cli/index.ts', 'serve'];
  const child = terminal
    ? spawn('script', ['-qfec', command.join(' '), '/dev/null'], { env })
    : spawn(command[0]!, command.slice(1), { env });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await waitFor(() => /Server listening at http/.test(output), 60_000, 'the server to listen');
    return output;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const hasScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!hasScript)('development logs', () => {
  it('are readable lines in a terminal, not JSON', async () => {
    const output = await serveOutput(true);
    expect(output).toMatch(
      /\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*: .*Server listening at http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(output).not.toContain('{"level"');
  }, 90_000);

  it('stay JSON lines when stdout is a pipe (a file or a log collector)', async () => {
    const output = await serveOutput(false);
    const lines = output.trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { level: number }).level)).toContain(30);
  }, 90_000);
});
