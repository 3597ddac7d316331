import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../support/app.ts';

const HTML = { accept: 'text/html,application/xhtml+xml' };

describe('the dashboard served by the API', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => app.close());

  it('answers / with the built page, revalidated on every visit', async () => {
    const res = await app.inject({ url: '/', headers: HTML });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('<div id="root">');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers a client-side route with the page, so a reload or a link from an e-mail works', async () => {
    for (const url of [
      '/tests/0b6f3c2e-8a51-4c5e-9d1e-2f3a4b5c6d7e',
      '/verify-email?token=abc',
      '/admin/queue',
    ]) {
      const res = await app.inject({ url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('keeps API, docs and health answers: an unknown API path is a problem+json 404, not the page', async () => {
    for (const url of [
      '/api/nothing-here',
      '/health/nothing',
      '/docs/nothing',
      '/ws/nothing',
      '/metrics/x',
    ]) {
      const res = await app.inject({ url, headers: HTML });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/application\/problem\+json/);
    }
    const docs = await app.inject({ url: '/docs/json' });
    expect(docs.json()).toHaveProperty('openapi');
  });

  it('does not answer a non-HTML request for an unknown path with the page', async () => {
    const res = await app.inject({ url: '/tests/whatever', headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ERR_ROUTE_NOT_FOUND' });
  });

  it('caches the content-hashed bundles for a year and keeps the CSP strict (no inline scripts)', async () => {
    const asset = readdirSync(new URL('../../web/dist/assets/', import.meta.url)).find((f) =>
      f.endsWith('.js'),
    )!;
    const res = await app.inject({ url: `/assets/${asset}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await app.inject({ url: '/assets/no-such-file.js' });
    expect(missing.statusCode).toBe(404);
    const icon = await app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/image\/svg/);
    expect(icon.headers['cache-control']).toBe('public, max-age=0');
    const page = await app.inject({ url: '/', headers: HTML });
    const csp = String(page.headers['content-security-policy']);
    const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? /default-src ([^;]+)/.exec(csp)?.[1];
    expect(scriptSrc).toBe("'self'");
    expect(page.body).not.toMatch(/<script>(?!<\/script>)/);
  });
});
