import { describe, expect, it } from 'vitest';
import { buildTestApp, registerUser } from '../support/app.ts';

describe('GET /metrics', () => {
  it('exposes process, HTTP and cache metrics in the Prometheus format', async () => {
    const app = await buildTestApp();
    try {
      await registerUser(app);
      await app.inject({ url: '/api/auth/me' });
      const res = await app.inject({ url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toContain('testweb_process_resident_memory_bytes');
      expect(res.body).toMatch(
        /testweb_http_request_duration_seconds_count\{method="POST",route="\/api\/auth\/register",status_class="2xx"\} 1/,
      );
      expect(res.body).toMatch(
        /testweb_http_request_duration_seconds_count\{method="GET",route="\/api\/auth\/me",status_class="4xx"\} 1/,
      );
      expect(res.body).toContain('# TYPE testweb_cache_hits_total counter');
    } finally {
      await app.close();
    }
  });

  it('requires METRICS_TOKEN when one is configured', async () => {
    const app = await buildTestApp({ METRICS_TOKEN: 'scrape-secret' });
    try {
      expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
      expect(
        (await app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-secret' } }))
          .statusCode,
      ).toBe(200);
    } finally {
      await app.close();
    }
  });
});
