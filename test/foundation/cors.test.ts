import { describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';

describe('CORS', () => {
  it('allows only the configured origins', async () => {
    const app = await buildTestApp({ CORS_ORIGINS: 'https://app.example.test' });
    try {
      const preflight = (origin: string) =>
        app.inject({
          method: 'OPTIONS',
          url: '/api/auth/login',
          headers: { origin, 'access-control-request-method': 'POST' },
        });
      const allowed = await preflight('https://app.example.test');
      // A preflight carries no token: it is answered, never refused with 401, even for a private route.
      expect(
        (
          await app.inject({
            method: 'OPTIONS',
            url: '/api/tests',
            headers: { origin: 'https://app.example.test', 'access-control-request-method': 'POST' },
          })
        ).statusCode,
      ).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.test');
      const other = await preflight('https://evil.example.test');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('sends no CORS headers by default (same origin only)', async () => {
    const app = await buildTestApp();
    try {
      const res = await app.inject({ url: '/health/live', headers: { origin: 'https://app.example.test' } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      // Without CORS an OPTIONS request is a 404 like any other route that is not there, not a 401.
      expect((await app.inject({ method: 'OPTIONS', url: '/api/tests' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
