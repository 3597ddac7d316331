/**
 * bench/queue: tests/min through the whole pipeline (service enqueue → test_queue row → queue → worker →
 * result row → TestCompleted event) with a no-op engine, in services mode (PostgreSQL + BullMQ on Redis)
 * and embedded mode (PGlite on disk, in-process driver); baseline in the same run: raw BullMQ processing
 * the same number of no-op jobs with one PostgreSQL INSERT each.
 *
 * BENCH_QUEUE_N (20000), BENCH_QUEUE_CONCURRENCY (32), BENCH_QUEUE_BACKLOG (1000 queued or running at most,
 * so the run measures a steady state), BENCH_QUEUE_TIMEOUT_S (240 per measurement),
 * BENCH_QUEUE_MODES (services,embedded), BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (redis://127.0.0.1:6379).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type DatabaseConfig } from '../../src/config/index.ts';
import { createBaseline } from './baseline.ts';
import { createBenchDatabase, noopEngine, redisAnswers, removeRedisKeys } from './bench-support.ts';

const N = Number(process.env.BENCH_QUEUE_N ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_QUEUE_CONCURRENCY ?? 32);
const TIMEOUT_MS = Number(process.env.BENCH_QUEUE_TIMEOUT_S ?? 240) * 1000;
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BACKLOG = Number(process.env.BENCH_QUEUE_BACKLOG ?? 1000);
const SUBMITTERS = 64;
const MODES = (process.env.BENCH_QUEUE_MODES ?? 'services,embedded').split(',');

export interface Measurement {
  done: number;
  ms: number;
  perMin: number;
  complete: boolean;
  /** This process's CPU time per finished test, in ms (less noisy than tests/min on a shared machine). */
  cpuMsPerTest?: number;
}

export const perMinute = (done: number, ms: number) => Math.round((done / ms) * 60_000);

async function pipeline(
  label: string,
  env: Record<string, string>,
  database: DatabaseConfig,
): Promise<Measurement> {
  const { config } = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-0123456789',
    ENCRYPTION_KEY: 'bench-encryption-key-bench-encryption-key-01',
    ALLOW_PRIVATE_TARGETS: 'true',
    WORKER_CONCURRENCY: String(CONCURRENCY),
    QUEUE_MAX_ACTIVE_PER_USER: '1000000',
    QUEUE_KEEP_COMPLETED: '1000',
    ...env,
  });
  const app = await buildApp({ config: { ...config, database }, extraEngines: [noopEngine], worker: true });
  await app.ready();
  try {
    const reg = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: `bench-${Date.now()}@example.test`, password: 'a sturdy passphrase 42' },
    });
    const viewer = { id: reg.json<{ user: { id: string } }>().user.id, role: 'user' as const };
    let done = 0;
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    app.events.subscribe('TestCompleted', () => {
      if (++done === N) finish();
    });
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    let submitted = 0;
    const deadline = Date.now() + TIMEOUT_MS;
    const submit = async () => {
      while (submitted < N && Date.now() < deadline) {
        // Steady state, not a flood: submitters wait while BACKLOG tests are queued or running.
        if (submitted - done >= BACKLOG) {
          await new Promise((r) => setTimeout(r, 2));
          continue;
        }
        submitted++;
        await app.tests.create(viewer, {
          type: 'noop',
          url: 'http://127.0.0.1:9/',
          options: {},
          priority: submitted % 11,
        });
      }
    };
    await Promise.all(Array.from({ length: SUBMITTERS }, submit));
    await Promise.race([finished, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const cpuMsPerTest = Number(((cpu.user + cpu.system) / 1000 / Math.max(1, done)).toFixed(2));
    const rows = await app.database.db
      .selectFrom('test_results')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    console.log(
      `${label}: ${done}/${N} tests completed in ${(ms / 1000).toFixed(1)} s → ${perMinute(done, ms)} tests/min (result rows: ${rows.n}); CPU ${cpuMsPerTest} ms per test`,
    );
    return { done, ms, perMin: perMinute(done, ms), complete: done === N, cpuMsPerTest };
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  console.log(
    `bench/queue: ${N} tests per measurement, worker concurrency ${CONCURRENCY}, cap ${TIMEOUT_MS / 1000} s each`,
  );
  const services = MODES.includes('services') && (await redisAnswers(REDIS_URL));
  const results: Record<string, Measurement | null> = { baseline: null, services: null, embedded: null };
  if (services) {
    const prefix = `bench-${randomBytes(4).toString('hex')}`;
    const baseDb = await createBenchDatabase(PG_URL);
    try {
      results.baseline = await createBaseline({
        redisUrl: REDIS_URL,
        pgUrl: baseDb.url,
        prefix: `${prefix}-raw`,
        n: N,
        concurrency: CONCURRENCY,
        timeoutMs: TIMEOUT_MS,
      });
    } finally {
      await baseDb.drop();
      await removeRedisKeys(REDIS_URL, `${prefix}-raw:*`);
    }
    const db = await createBenchDatabase(PG_URL);
    try {
      results.services = await pipeline(
        'services mode (PostgreSQL + BullMQ)',
        { REDIS_URL, QUEUE_PREFIX: prefix, REDIS_KEY_PREFIX: `${prefix}:` },
        { driver: 'pg', url: db.url, poolMax: 10 },
      );
    } finally {
      await db.drop();
      await removeRedisKeys(REDIS_URL, `${prefix}*`);
    }
  } else {
    console.log(
      `Redis at ${REDIS_URL} does not answer: services mode and the raw BullMQ baseline are skipped`,
    );
  }
  if (MODES.includes('embedded')) {
    const dir = mkdtempSync(path.join(tmpdir(), 'testweb-bench-queue-'));
    try {
      results.embedded = await pipeline('embedded mode (PGlite on disk)', {}, { driver: 'pglite', dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const { baseline, services: svc, embedded } = results;
  console.log(`\n| measurement | tests (or jobs)/min | completed |\n|---|---|---|`);
  for (const [name, m] of Object.entries(results))
    if (m) console.log(`| ${name} | ${m.perMin} | ${m.done}/${N}${m.complete ? '' : ' (capped)'} |`);
  const ratio = baseline && svc ? Number((svc.perMin / baseline.perMin).toFixed(3)) : null;
  if (ratio !== null) console.log(`services / raw BullMQ+INSERT: ${ratio}`);
  console.log(
    `BENCH_RESULT ${JSON.stringify({
      name: 'queue',
      baseline: { raw_bullmq_pg_insert_per_min: baseline?.perMin ?? null, jobs: baseline?.done ?? null },
      measured: {
        services_tests_per_min: svc?.perMin ?? null,
        embedded_tests_per_min: embedded?.perMin ?? null,
        services_cpu_ms_per_test: svc?.cpuMsPerTest ?? null,
        embedded_cpu_ms_per_test: embedded?.cpuMsPerTest ?? null,
        n: N,
        concurrency: CONCURRENCY,
      },
      ratios: { services_vs_baseline: ratio },
      targets: {
        services_tests_per_min: 50_000,
        services_vs_baseline: 0.3,
        embedded_tests_per_min: 20_000,
        seed_tests_per_min: 100,
      },
    })}`,
  );
}

await main();
process.exit(0);
