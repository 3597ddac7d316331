import Fastify, { type FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerUser } from '../support/app.ts';

/** The app's helmet options (src/app.ts), as @fastify/helmet itself answers them on a route of its own. */
async function helmetsOwnHeaders(): Promise<Record<string, unknown>> {
  const reference = Fastify({ logger: false });
  await reference.register(helmet, {
    contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } },
  });
  reference.get('/', async () => ({}));
  const res = await reference.inject({ url: '/' });
  await reference.close();
  const { 'content-type': _t, 'content-length': _l, date: _d, connection: _c, ...headers } = res.headers;
  return headers;
}

describe('security headers (precomputed from @fastify/helmet)', () => {
  let app: FastifyInstance;
  let expected: Record<string, unknown>;

  beforeAll(async () => {
    app = await buildTestApp();
    expected = await helmetsOwnHeaders();
  });
  afterAll(async () => app.close());

  it('sends the headers @fastify/helmet sends, on a 200, a 401, a 404 and a validation error', async () => {
    expect(expected['content-security-policy']).toContain("img-src 'self' data:");
    const user = await registerUser(app);
    const answers = await Promise.all([
      app.inject({ url: '/api/auth/me', headers: user.auth }),
      app.inject({ url: '/api/auth/me' }),
      app.inject({ url: '/api/no-such-thing' }),
      app.inject({ url: '/api/tests/not-a-uuid', headers: user.auth }),
    ]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 401, 404, 400]);
    for (const res of answers) {
      expect(res.headers).toMatchObject(expected);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    }
  });

  it('echoes a well-formed x-request-id on an error answer too', async () => {
    const res = await app.inject({ url: '/api/auth/me', headers: { 'x-request-id': 'trace-401' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-request-id']).toBe('trace-401');
  });
});
