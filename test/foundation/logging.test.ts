import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../support/app.ts';

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
