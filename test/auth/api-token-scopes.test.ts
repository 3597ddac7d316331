import { readFileSync } from 'node:fs';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp } from '../support/app.ts';
import { API_TOKEN_SCOPES, SCOPE_RULES, ruleFor } from '../../src/modules/auth/api-tokens/index.ts';

/** Every route the app registers, as the onRoute hooks left it (the same seam as route-guard.test.ts). */
const registered = vi.hoisted(() => [] as RouteOptions[]);
vi.mock('fastify', async (importOriginal) => {
  const real = await importOriginal<typeof import('fastify')>();
  const create = ((options?: object) => {
    const app = real.default(options);
    app.addHook('onRoute', (route) => void registered.push(route));
    return app;
  }) as typeof real.default;
  return { ...real, default: create, fastify: create };
});

describe('the scope table of personal API tokens', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(async () => app.close());

  it('maps every route of the OpenAPI document that needs a sign-in to a scope or an explicit refusal', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json<{
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    }>();
    const unmapped: string[] = [];
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (Array.isArray(op.security) && op.security.length === 0) continue; // public
        checked++;
        const route = path.replace(/\{(\w+)\}/g, ':$1');
        if (!ruleFor(method, route)) unmapped.push(`${method.toUpperCase()} ${route}`);
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(unmapped, 'add these to SCOPE_RULES in src/modules/auth/api-tokens/scopes.ts').toEqual([]);
  });

  it('also maps the private routes the document hides', () => {
    const hidden = registered
      .filter((r) => r.config?.auth !== 'public' && r.url.startsWith('/'))
      .flatMap((r) => [r.method].flat().map((m) => `${m} ${r.url}`))
      .filter((key) => !ruleFor(key.split(' ')[0]!, key.split(' ')[1]!));
    expect(hidden).toEqual([]);
  });

  it('sends token management and sign-in changes to a real sign-in, whatever the method', () => {
    for (const method of ['GET', 'POST', 'DELETE'])
      expect(ruleFor(method, '/api/auth/tokens')?.scope).toBe('refused');
    for (const route of [
      '/api/auth/tokens/:id',
      '/api/auth/mfa/disable',
      '/api/auth/password/change',
      '/api/auth/sessions',
    ])
      expect(ruleFor('POST', route)?.scope, route).toBe('refused');
    expect(ruleFor('GET', '/api/authx')).toBeNull();
  });

  it('is the table docs/API_TOKENS.md shows: every scope and every refused prefix is documented', () => {
    const guide = readFileSync(new URL('../../docs/API_TOKENS.md', import.meta.url), 'utf8');
    for (const scope of API_TOKEN_SCOPES) expect(guide).toContain(`\`${scope}\``);
    for (const rule of SCOPE_RULES) {
      const prefix =
        typeof rule.path === 'string'
          ? rule.path
          : rule.path.source.replace(/\\/g, '').replace(/^\^|\(\?:\/\|\$\)$/g, '');
      expect(guide, prefix).toContain(`\`${prefix}`);
    }
  });
});
