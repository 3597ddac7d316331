import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, registerUser, type TestUser } from '../support/app.ts';
import { POSTGRES_URL, REDIS_URL, TEST_DATABASES } from '../support/databases.ts';
import { dropPrefix, uniquePrefix } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';
import { CREDENTIAL_CACHE_TTL_MS } from '../../src/modules/auth/api-tokens/credential-cache.ts';

/**
 * Two API processes on one PostgreSQL and one Redis: each remembers tokens it has seen, and a revocation
 * or a disabled account in one stops the token in the other well before the cache's TTL would.
 */
describe.runIf(POSTGRES_URL && REDIS_URL)('API tokens across two processes (PostgreSQL + Redis)', () => {
  let a: FastifyInstance;
  let b: FastifyInstance;
  let drop: () => Promise<void>;
  let admin: TestUser;
  const prefix = uniquePrefix('apitokens');

  beforeAll(async () => {
    const database = await TEST_DATABASES.find((d) => d.name === 'postgres')!.create();
    drop = database.drop;
    const env = { REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: prefix };
    a = await buildTestApp(env, database.config);
    b = await buildTestApp(env, database.config);
    admin = await registerUser(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await drop?.();
    await dropPrefix(prefix);
  });

  const use = (app: FastifyInstance, token: string) =>
    app.inject({ method: 'GET', url: '/api/tests', headers: { authorization: `Bearer ${token}` } });

  async function tokenOf(user: TestUser) {
    const res = await a.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: user.auth,
      payload: { name: 'cluster', scopes: ['tests:read'] },
    });
    return res.json<{ id: string; token: string }>();
  }

  it('a token revoked in one process is refused by the other at once', async () => {
    const t = await tokenOf(admin);
    expect((await use(b, t.token)).statusCode).toBe(200); // b now remembers it
    const started = Date.now();
    await a.inject({ method: 'DELETE', url: `/api/auth/tokens/${t.id}`, headers: admin.auth });
    await waitFor(
      async () => (await use(b, t.token)).statusCode === 401,
      CREDENTIAL_CACHE_TTL_MS / 2,
      'b refuses',
    );
    expect(Date.now() - started).toBeLessThan(CREDENTIAL_CACHE_TTL_MS);
  });

  it('a user disabled in one process has their token refused by the other at once', async () => {
    const user = await registerUser(a);
    const t = await tokenOf(user);
    expect((await use(b, t.token)).statusCode).toBe(200);
    const res = await a.inject({
      method: 'PATCH',
      url: `/api/admin/users/${user.id}`,
      headers: admin.auth,
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(200);
    await waitFor(
      async () => (await use(b, t.token)).statusCode === 401,
      CREDENTIAL_CACHE_TTL_MS / 2,
      'b refuses',
    );
  });
});
