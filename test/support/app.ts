import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config, type DatabaseConfig } from '../../src/config/index.ts';
import { buildApp } from '../../src/app.ts';
import { embeddedDatabase } from './pglite-template.ts';

export const TEST_SECRETS = {
  JWT_SECRET: 'test-jwt-secret-test-jwt-secret-0123456789',
  ENCRYPTION_KEY: 'test-encryption-key-test-encryption-key-01',
};

let apps = 0;

/** A validated Config as the product would load it, from test defaults plus `env`. */
export function testConfig(env: Record<string, string> = {}, database?: DatabaseConfig): Config {
  // A queue prefix of its own, so an app given REDIS_URL never takes another suite's jobs.
  const queuePrefix = `test-${process.pid}-${++apps}`;
  const { config } = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'memory://',
    ALLOW_PRIVATE_TARGETS: 'true',
    // Browser engines' Chromium resolves no host name in tests (its own services included): loopback only.
    BROWSER_REFUSED_HOSTS: '*',
    QUEUE_PREFIX: queuePrefix,
    ...TEST_SECRETS,
    ...env,
  });
  return { ...config, database: database ?? embeddedDatabase(config.database).config };
}

/** Builds the real app (a fresh embedded database unless `database` says otherwise). Close it in afterAll/afterEach. */
export async function buildTestApp(
  env: Record<string, string> = {},
  database?: DatabaseConfig,
): Promise<FastifyInstance> {
  const app = await buildApp({ config: testConfig(env, database) });
  await app.ready();
  return app;
}

export interface TestUser {
  id: string;
  email: string;
  role: 'user' | 'admin';
  accessToken: string;
  refreshToken: string;
  auth: { authorization: string };
}

let counter = 0;

/** Registers a new account through the API. The first account of an app is admin. */
export async function registerUser(
  app: FastifyInstance,
  email = `user${++counter}-${Date.now()}@example.test`,
): Promise<TestUser> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password: 'a sturdy passphrase 42' },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const body = res.json<{
    user: { id: string; email: string; role: 'user' | 'admin' };
    accessToken: string;
    refreshToken: string;
  }>();
  return {
    ...body.user,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    auth: { authorization: `Bearer ${body.accessToken}` },
  };
}

/** Marks an account's e-mail verified, as following the verification link would (alert e-mails need it). */
export async function markEmailVerified(app: FastifyInstance, userId: string): Promise<void> {
  await app.database.db
    .updateTable('users')
    .set({ email_verified_at: new Date() })
    .where('id', '=', userId)
    .execute();
}
