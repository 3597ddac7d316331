/**
 * bench/alerting: 10,000 active alert rules over 1,000 URLs (100 owners × 10 URLs × 9 exact-URL rules,
 * plus 10 glob rules per owner), on PostgreSQL.
 *
 * 1. Latency: BENCH_ALERTING_N (5,000) TestCompleted evaluated one after another through the module's
 *    evaluator (what its event handler runs), for random URLs; 1 in 20 breaches (the slow path: the
 *    series locked, state, history and delivery rows written in one transaction). p50/p99 overall and
 *    per path (healthy on ok series, healthy resolving a series an earlier breach fired, breaching).
 *    Target: p99 ≤ 2 ms.
 * 2. Throughput: BENCH_ALERTING_RATE (1,000) results/s offered for BENCH_ALERTING_SECONDS (10) without
 *    waiting; the backlog (evaluations in flight) is sampled every 100 ms. It keeps up when the achieved
 *    rate is ≥ 95 % of the offered one and the backlog drains within 1 s of the last result.
 * Baseline, measured in the same run on the same database: one INSERT round trip (what a job costs the
 * queue's raw baseline per job), and, when bench/results/latest.json has it, the queue benchmark's
 * per-test cost on this machine.
 *
 * BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createBenchDatabase } from '../queue/bench-support.ts';
import { countRules, resultOf, seed } from './workload.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_ALERTING_N ?? 5000);
const RATE = Number(process.env.BENCH_ALERTING_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_ALERTING_SECONDS ?? 10);

const pct = (sorted: number[], p: number) =>
  sorted.length
    ? Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(3))
    : 0;
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p99: pct(s, 99), max: pct(s, 100) };
};

function queuePerTestMs(): number | null {
  const file = path.join(here, '..', 'results', 'latest.json');
  if (!existsSync(file)) return null;
  const results = (
    JSON.parse(readFileSync(file, 'utf8')) as {
      results: Array<{ name: string; measured?: Record<string, number> }>;
    }
  ).results;
  const perMin = results.find((r) => r.name === 'queue')?.measured?.services_tests_per_min;
  return perMin ? Number((60_000 / perMin).toFixed(3)) : null;
}

/** p50/p99 of one INSERT round trip on the same database (the queue baseline's per-job write). */
async function insertBaseline(url: string, n: number) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(
    'CREATE TABLE bench_jobs (id serial PRIMARY KEY, done_at timestamptz NOT NULL DEFAULT now())',
  );
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await pool.query('INSERT INTO bench_jobs DEFAULT VALUES');
    times.push(performance.now() - t);
  }
  await pool.end();
  return summary(times);
}

async function main(): Promise<void> {
  const database = await createBenchDatabase(PG_URL);
  const { config } = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-0123456789',
    ENCRYPTION_KEY: 'bench-encryption-key-bench-encryption-key-01',
    ALERT_RULES_MAX_PER_USER: '100000',
  });
  const app = await buildApp({
    config: { ...config, database: { driver: 'pg', url: database.url, poolMax: 20 } },
    worker: false,
    monitoring: false,
  });
  await app.ready();
  try {
    const seeded = await seed(app.database.db);
    const active = await countRules(app.database.db);
    console.log(
      `bench/alerting: ${active} active rules over ${seeded.urls.length} URLs, ${seeded.owners.length} owners`,
    );
    const { evaluator } = app.alerts;
    const pick = () => seeded.urls[Math.floor(Math.random() * seeded.urls.length)]!;
    // Warm-up: every owner's rules compiled once, the pool and the plans warm.
    for (const { owner, url } of seeded.urls) await evaluator.completed(resultOf(owner, url));

    const healthy: number[] = [];
    const resolving: number[] = [];
    const breaching: number[] = [];
    let notices = 0;
    for (let i = 0; i < N; i++) {
      const { owner, url } = pick();
      const slow = i % 20 === 0;
      const t = performance.now();
      const told = await evaluator.completed(resultOf(owner, url, slow));
      notices += told;
      (slow ? breaching : told ? resolving : healthy).push(performance.now() - t);
    }
    const all = summary([...healthy, ...resolving, ...breaching]);
    const ok = summary(healthy);
    const resolve = summary(resolving);
    const breach = summary(breaching);
    console.log(
      `one TestCompleted, ${all.n} evaluated in sequence: p50 ${all.p50} ms, p99 ${all.p99} ms, max ${all.max} ms`,
    );
    console.log(`  healthy, every series ok (no table touched): ${ok.n}, p50 ${ok.p50} ms, p99 ${ok.p99} ms`);
    console.log(
      `  healthy, resolving series a breach fired (one transaction): ${resolve.n}, p50 ${resolve.p50} ms, p99 ${resolve.p99} ms`,
    );
    console.log(
      `  breaching (1 in 20; state, history, deliveries in one transaction): ${breach.n}, p50 ${breach.p50} ms, p99 ${breach.p99} ms; ${notices} notices`,
    );

    // Throughput: RATE results/s for SECONDS, not waiting; the backlog is what is still being evaluated.
    let inflight = 0;
    let done = 0;
    let maxInflight = 0;
    const backlog: number[] = [];
    const offered = RATE * SECONDS;
    const t0 = performance.now();
    const sampler = setInterval(() => backlog.push(inflight), 100);
    for (let sent = 0; sent < offered;) {
      const due = Math.min(offered, Math.floor(((performance.now() - t0) / 1000) * RATE));
      for (; sent < due; sent++) {
        const { owner, url } = pick();
        inflight++;
        maxInflight = Math.max(maxInflight, inflight);
        void evaluator.completed(resultOf(owner, url, sent % 20 === 0)).finally(() => (inflight--, done++));
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const offeredMs = performance.now() - t0;
    while (inflight > 0) await new Promise((r) => setTimeout(r, 5));
    const drainMs = performance.now() - t0 - offeredMs;
    clearInterval(sampler);
    const half = Math.floor(backlog.length / 2);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const firstHalf = Number(mean(backlog.slice(0, half)).toFixed(1));
    const secondHalf = Number(mean(backlog.slice(half)).toFixed(1));
    const achieved = Math.round((done / (offeredMs + drainMs)) * 1000);
    console.log(
      `${RATE}/s for ${SECONDS} s: ${done}/${offered} evaluated, ${achieved}/s; backlog mean ${firstHalf} (first half) → ${secondHalf} (second half), max ${maxInflight}; drained ${drainMs.toFixed(0)} ms after the last`,
    );

    const insert = await insertBaseline(database.url, 2000);
    const queueMs = queuePerTestMs();
    console.log(
      `baseline, same run: one INSERT round trip p50 ${insert.p50} ms, p99 ${insert.p99} ms; queue benchmark per test (latest.json): ${queueMs ?? 'n/a'} ms`,
    );
    // Kept up: everything offered was evaluated at the offered rate, and what was in flight when the
    // offering stopped drained within a second (a growing backlog drains for as long as it grew).
    const grows = achieved < 0.95 * RATE || drainMs > 1000;
    console.log(
      `targets: p99 ≤ 2 ms: ${all.p99 <= 2 ? 'met' : 'missed'}; ${RATE}/s without a growing backlog: ${grows ? 'missed' : 'met'}`,
    );
    console.log(
      `BENCH_RESULT ${JSON.stringify({
        name: 'alerting',
        baseline: { insert_p50_ms: insert.p50, insert_p99_ms: insert.p99, queue_per_test_ms: queueMs },
        measured: {
          rules: active,
          urls: seeded.urls.length,
          eval_p50_ms: all.p50,
          eval_p99_ms: all.p99,
          eval_healthy_p99_ms: ok.p99,
          eval_resolving_p99_ms: resolve.p99,
          eval_breaching_p99_ms: breach.p99,
          offered_per_s: RATE,
          achieved_per_s: achieved,
          backlog_first_half: firstHalf,
          backlog_second_half: secondHalf,
          backlog_max: maxInflight,
        },
        ratios: {
          eval_p99_vs_insert_p99: Number((all.p99 / insert.p99).toFixed(2)),
          eval_p50_vs_queue_per_test: queueMs ? Number((all.p50 / queueMs).toFixed(3)) : null,
        },
        targets: { eval_p99_ms: 2, rate_per_s: RATE },
      })}`,
    );
  } finally {
    await app.close();
    await database.drop();
  }
}

await main();
