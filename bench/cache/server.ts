/**
 * The server side of bench/cache, in its own process so the load generator does not share its event loop:
 * the real app with the cache, the real app with CACHE_ENABLED=false, and bare Fastify routes returning
 * the same JSON. Each app gets its own database holding the same 10,000 results (plain SQL inserts), and
 * (the list scenario) BENCH_CACHE_LIST_USERS users with BENCH_CACHE_LIST_TESTS completed tests each.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type DatabaseConfig } from '../../src/config/index.ts';
import { sampleResult, seedResults } from './seed-results.ts';
import { LIST_QUERIES } from './workload.ts';

const KEYS = Number(process.env.BENCH_CACHE_KEYS ?? 10_000);
const LIST_USERS = Number(process.env.BENCH_CACHE_LIST_USERS ?? 10);
const LIST_TESTS = Number(process.env.BENCH_CACHE_LIST_TESTS ?? 200);

const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TESTWEB_TEST_DATABASE_URL;
const created: string[] = [];

async function database(): Promise<DatabaseConfig> {
  if (!PG_URL) return { driver: 'pglite', dir: null };
  const name = `testweb_bench_cache_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  created.push(name);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return { driver: 'pg', url: url.toString(), poolMax: 10 };
}

async function dropDatabases(): Promise<void> {
  if (!PG_URL) return;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

async function testwebApp(cacheEnabled: boolean) {
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'b'.repeat(40),
    ENCRYPTION_KEY: 'e'.repeat(40),
    CACHE_ENABLED: String(cacheEnabled),
    DATABASE_URL: 'memory://',
  };
  const { config } = loadConfig(env);
  const app = await buildApp({ config: { ...config, database: await database() }, worker: false });
  const register = async (email: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email, password: 'a sturdy passphrase 42' },
    });
    return res.json<{ user: { id: string }; accessToken: string }>();
  };
  const admin = await register('admin@bench.test');
  const owner = await register('owner@bench.test');
  const ids = await seedResults(app.database.db, owner.user.id, KEYS);
  const listTokens: string[] = [];
  for (let u = 0; u < LIST_USERS; u++) {
    const user = await register(`list${u}@bench.test`);
    await seedResults(app.database.db, user.user.id, LIST_TESTS);
    listTokens.push(user.accessToken);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    port: (app.server.address() as { port: number }).port,
    adminToken: admin.accessToken,
    ownerToken: owner.accessToken,
    ids,
    listTokens,
  };
}

const withCache = await testwebApp(true);
const withoutCache = await testwebApp(false);
// Seeding created different ids per database; the no-cache app gets requests for its own ids.
const bare = Fastify({ logger: false });
const sample = {
  testId: withCache.ids[0],
  type: 'performance',
  url: 'https://site-0.example/',
  ...sampleResult(0),
  completedAt: new Date().toISOString(),
};
bare.get('/bare', async () => sample);
// The list baseline serves the cached app's own answer to the first user's first query, as a parsed object.
const listSample = (
  await withCache.app.inject({
    method: 'GET',
    url: `/api/tests${LIST_QUERIES[0]}`,
    headers: { authorization: `Bearer ${withCache.listTokens[0]}` },
  })
).json<unknown>();
bare.get('/bare-list', async () => listSample);
await bare.listen({ port: 0, host: '127.0.0.1' });

process.on('message', (msg: { type: string }) => {
  void (async () => {
    if (msg.type === 'stats') {
      const res = await withCache.app.inject({
        method: 'GET',
        url: '/api/cache/stats',
        headers: { authorization: `Bearer ${withCache.adminToken}` },
      });
      process.send!({ type: 'stats', stats: res.json() });
    } else if (msg.type === 'close') {
      await Promise.all([withCache.app.close(), withoutCache.app.close(), bare.close()]);
      await dropDatabases();
      process.send!({ type: 'closed' });
      process.exit(0);
    }
  })();
});

process.send!({
  type: 'ready',
  database: PG_URL ? 'postgresql' : 'pglite',
  bare: { port: (bare.server.address() as { port: number }).port },
  withCache: {
    port: withCache.port,
    token: withCache.ownerToken,
    ids: withCache.ids,
    listTokens: withCache.listTokens,
  },
  withoutCache: {
    port: withoutCache.port,
    token: withoutCache.ownerToken,
    ids: withoutCache.ids,
    listTokens: withoutCache.listTokens,
  },
});
