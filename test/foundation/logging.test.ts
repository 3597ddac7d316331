import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';

function capture() {
  const lines: string[] = [];
  return { lines, logStream: new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }) };
}

describe('logs', () => {
  it('never contain passwords, tokens or secrets, even at trace level', async () => {
    const lines: string[] = [];
    const logStream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const config = testConfig({ LOG_LEVEL: 'trace', REFRESH_REUSE_GRACE: '0s' });
    const app = await buildApp({ config, logStream });
    try {
      const password = 'secret passphrase 9000';
      const reg = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'log@example.test', password } });
      const { accessToken, refreshToken } = reg.json();
      await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'log@example.test', password: 'wrong ' + password } });
      await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
      await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } }); // reuse: logged as a warning
      await app.inject({ url: `/api/auth/me?token=${accessToken}`, headers: { authorization: `Bearer ${accessToken}`, cookie: `s=${refreshToken}` } });
      const all = lines.join('');
      expect(all).toContain('incoming request');
      expect(all).toContain('refresh token reused');
      for (const secret of [password, accessToken, refreshToken, config.jwtSecret, config.encryptionKey]) expect(all).not.toContain(secret);
    } finally {
      await app.close();
    }
  });
});

describe.each(TEST_DATABASES)('a database error in the logs ($name)', (database) => {
  it('keeps its message and code but not the input it quotes', async () => {
    const db = await database.create();
    const { lines, logStream } = capture();
    const app = await buildApp({ config: testConfig({ LOG_LEVEL: 'info' }, db.config), logStream, worker: false });
    try {
      // PostgreSQL quotes the JSON text it refused in `where` ("JSON data, line 1: …") and the token in `detail`.
      const input = JSON.stringify({ note: 'quoted-input-5c2e', bad: '\u0000' });
      const err = await sql`select ${input}::jsonb`.execute(app.database.db).then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ where: expect.stringContaining('quoted-input-5c2e') });
      app.log.error({ err }, 'unhandled error');
      const line = lines.find((l) => l.includes('"unhandled error"'))!;
      expect(JSON.parse(line)).toMatchObject({ level: 50, err: { message: expect.stringMatching(/unicode|json/i), code: expect.any(String) } });
      expect(line).not.toContain('quoted-input-5c2e');
    } finally {
      await app.close();
      await db.drop();
    }
  });
});

