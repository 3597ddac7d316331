/**
 * The server side of bench/api-tests, in its own process: the real app with its worker, embedded (PGlite
 * on disk, in-process queue) or services (a fresh PostgreSQL database + BullMQ on Redis) as
 * BENCH_API_MODE says. Signs up BENCH_API_USERS accounts and hands their access tokens to the runner
 * (`{ type: 'ready', port, tokens }`). On `{ type: 'expect', n }` it counts finished tests (TestCompleted /
 * TestFailed for good) and reports `{ type: 'done', completed, failed, at, cpuUs }` once n have finished.
 */
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type DatabaseConfig } from '../../src/config/index.ts';

const MODE = process.env.BENCH_API_MODE ?? 'embedded';
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const USERS = Number(process.env.BENCH_API_USERS ?? 10);
const tag = randomBytes(4).toString('hex');
const dbName = `testweb_bench_api_${tag}`;
const prefix = `bench-api-${tag}`;
const dir = mkdtempSync(path.join(tmpdir(), 'testweb-bench-api-'));

let database: DatabaseConfig = { driver: 'pglite', dir };
const env: Record<string, string> = {};
if (MODE === 'services') {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  database = { driver: 'pg', url: url.toString(), poolMax: Number(process.env.BENCH_API_POOL ?? 10) };
  Object.assign(env, { REDIS_URL, QUEUE_PREFIX: prefix, REDIS_KEY_PREFIX: `${prefix}:` });
}

const { config } = loadConfig({
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-0123456789',
  ENCRYPTION_KEY: 'bench-encryption-key-bench-encryption-key-01',
  ACCESS_TOKEN_TTL: '3h',
  ALLOW_PRIVATE_TARGETS: 'true',
  WORKER_CONCURRENCY: process.env.BENCH_API_CONCURRENCY ?? '32',
  QUEUE_MAX_ACTIVE_PER_USER: '1000000',
  ...env,
});
const app = await buildApp({ config: { ...config, database }, worker: true });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;

const tokens: string[] = [];
for (let i = 0; i < USERS; i++) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email: `bench-${i}-${tag}@example.test`, password: 'a sturdy passphrase 42' },
  });
  if (res.statusCode !== 201 && res.statusCode !== 200)
    throw new Error(`register answered ${res.statusCode}: ${res.body}`);
  tokens.push(res.json<{ accessToken: string }>().accessToken);
}

let expected = Infinity;
let completed = 0;
let failed = 0;
let cpuAtExpect = process.cpuUsage();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let expectAt = Date.now();
/** Where a test's time went: waiting in the queue, and running (claim to completion). */
async function timings(): Promise<{ waitMs: number; runMs: number }> {
  const { rows } = await sql<{ wait_ms: number; run_ms: number }>`
    SELECT (avg(extract(epoch FROM started_at - created_at)) * 1000)::float8 AS wait_ms,
           (avg(extract(epoch FROM completed_at - started_at)) * 1000)::float8 AS run_ms
    FROM test_queue WHERE completed_at >= ${new Date(expectAt)}::timestamptz`.execute(app.database.db);
  return { waitMs: Math.round(rows[0]?.wait_ms ?? 0), runMs: Math.round(rows[0]?.run_ms ?? 0) };
}
const check = () => {
  if (completed + failed < expected) return;
  expected = Infinity;
  const at = Date.now();
  const { user, system } = process.cpuUsage(cpuAtExpect);
  // The event loop's delay: an api test's measured response time includes it, as does its run time.
  const loop = {
    p50: loopDelay.percentile(50) / 1e6,
    p99: loopDelay.percentile(99) / 1e6,
    max: loopDelay.max / 1e6,
  };
  void timings().then((t) =>
    process.send!({ type: 'done', completed, failed, at, cpuUs: user + system, ...t, loopMs: loop }),
  );
};
app.events.subscribe('TestCompleted', () => (completed++, check()));
app.events.subscribe('TestFailed', (e) => (e.willRetry ? undefined : (failed++, check())));

process.send!({ type: 'ready', port, tokens, mode: MODE });
process.on('message', (m: { type: string; n?: number }) => {
  if (m.type === 'expect') {
    completed = 0;
    failed = 0;
    cpuAtExpect = process.cpuUsage();
    expectAt = Date.now();
    loopDelay.reset();
    expected = m.n!;
  }
  if (m.type === 'stop') void stop();
});

async function stop(): Promise<void> {
  await app.close();
  if (MODE === 'services') {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    const { removeRedisKeys } = await import('../queue/bench-support.ts');
    await removeRedisKeys(REDIS_URL, `${prefix}*`);
  }
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
