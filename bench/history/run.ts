/**
 * bench/history: does the API stay flat as history grows? The same requests, timed one at a time through
 * the real app (auth, routes, SQL; the cache off so every read reaches the database) against two
 * databases: one with empty tables (only the bench user's small working set: 200 tests with results, 200
 * notifications), one seeded with a year of history — BENCH_HISTORY_TESTS tests (1,000,000, results for
 * the finished ones) over BENCH_HISTORY_USERS accounts (10,000) plus the bench user's ~10,000, and
 * BENCH_HISTORY_NOTIFICATIONS notifications (10,000,000, the bench user's 10,000 among them), then
 * VACUUM ANALYZE. The two are measured round by round in alternation, so that the load of a shared
 * machine falls on both alike. Target (issue 18): p95 of submission, claim, list (first page and a cursor
 * page), result and unread count within 1.2 × of the empty tables. The inbox's first page is reported
 * too, and each operation's SQL time from EXPLAIN ANALYZE in both databases (the database's own share,
 * which machine noise distorts far less).
 *
 * PostgreSQL only (BENCH_DATABASE_URL or TESTWEB_TEST_DATABASE_URL), in a database the bench creates and
 * drops. Not embedded: PGlite is single-threaded WebAssembly and holds the whole load in one process; a
 * 10-million-row seed there is a matter of tens of minutes, beyond a bench run.
 *
 * BENCH_HISTORY_SAMPLES (300 per operation per repetition), BENCH_HISTORY_REPS (3, medians of p95s).
 */
import pg from 'pg';
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createAccessTokens } from '../../src/modules/auth/tokens.ts';
import { createQueueStore } from '../../src/modules/test-runs/queue-store.repository.ts';
import { encodeCursor } from '../../src/shared/http/index.ts';
import { seedHistory, seedWorkingSet, type HistoryShape } from './seed.ts';

const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TESTWEB_TEST_DATABASE_URL;
if (!PG_URL)
  throw new Error('bench/history needs PostgreSQL: set BENCH_DATABASE_URL or TESTWEB_TEST_DATABASE_URL');
const SAMPLES = Number(process.env.BENCH_HISTORY_SAMPLES ?? 300);
const REPS = Number(process.env.BENCH_HISTORY_REPS ?? 3);
const SHAPE: HistoryShape = {
  users: Number(process.env.BENCH_HISTORY_USERS ?? 10_000),
  tests: Number(process.env.BENCH_HISTORY_TESTS ?? 1_000_000),
  benchTests: 10_000,
  notifications: Number(process.env.BENCH_HISTORY_NOTIFICATIONS ?? 10_000_000),
  benchNotifications: 10_000,
};
const WORKING_SET = 200;
const JWT_SECRET = 'h'.repeat(40);
const OPS = ['submit', 'claim', 'list', 'list_cursor', 'result', 'unread_count', 'inbox'] as const;
type Op = (typeof OPS)[number];
const TARGETED: Op[] = ['submit', 'claim', 'list', 'list_cursor', 'result', 'unread_count'];

const admin = new pg.Client({ connectionString: PG_URL });
await admin.connect();

// The statements each operation sent (first of each text), per database, so they can be EXPLAINed.
let current: { env: Env; op: Op } | null = null;
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0] as { text?: string; values?: unknown[] } | string;
  const text = typeof first === 'string' ? first : first?.text;
  if (current && text) {
    const { env, op } = current;
    const seen = env.statements.get(op) ?? new Map<string, unknown[]>();
    env.statements.set(op, seen);
    if (!seen.has(text))
      seen.set(text, (typeof first === 'string' ? (args[1] as unknown[]) : first?.values) ?? []);
  }
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

interface Env {
  label: string;
  name: string;
  app: Awaited<ReturnType<typeof buildApp>>;
  db: pg.Client;
  store: ReturnType<typeof createQueueStore>;
  userId: string;
  auth: Record<string, string>;
  statements: Map<Op, Map<string, unknown[]>>;
  fx: { cursors: string[]; results: string[] };
}

const tokens = await createAccessTokens(JWT_SECRET, 3 * 3_600_000);

/** A fresh database with the app on it (worker off: the bench claims itself) and the bench user. */
async function createEnv(label: string): Promise<Env> {
  const name = `testweb_bench_history_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL!);
  url.pathname = `/${name}`;
  const { config } = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    JWT_SECRET,
    ENCRYPTION_KEY: 'e'.repeat(40),
    ACCESS_TOKEN_TTL: '3h',
    DATABASE_URL: url.toString(),
    ALLOW_PRIVATE_TARGETS: 'true',
    CACHE_ENABLED: 'false',
  });
  const app = await buildApp({ config, worker: false });
  await app.ready();
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (email, role) VALUES ('bench@history.bench', 'user') RETURNING id`,
  );
  const userId = rows[0]!.id;
  await seedWorkingSet(db, userId, WORKING_SET, WORKING_SET);
  const auth = { authorization: `Bearer ${await tokens.sign({ id: userId, role: 'user' }, randomUUID())}` };
  const store = createQueueStore(app.database.db);
  return {
    label,
    name,
    app,
    db,
    store,
    userId,
    auth,
    statements: new Map(),
    fx: { cursors: [], results: [] },
  };
}

const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;

/** Cursors spread over the bench user's whole history, and finished tests to read results of. */
async function fixtures(env: Env): Promise<Env['fx']> {
  const { db, userId } = env;
  const { rows: total } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM test_queue WHERE user_id = $1`,
    [userId],
  );
  const step = Math.max(1, Math.floor((total[0]!.n - 40) / 50));
  const { rows: at } = await db.query<{ at: string; id: string }>(
    `SELECT created_at::text AS at, test_id AS id FROM (
       SELECT created_at, test_id, row_number() OVER (ORDER BY created_at DESC, test_id DESC) AS k
       FROM test_queue WHERE user_id = $1) t
     WHERE k >= 20 AND k % $2 = 0 LIMIT 50`,
    [userId, step],
  );
  const { rows: done } = await db.query<{ id: string }>(
    `SELECT test_id AS id FROM test_queue WHERE user_id = $1 AND status = 'completed'
     ORDER BY random() LIMIT 200`,
    [userId],
  );
  return { cursors: at.map((r) => encodeCursor(r.at, r.id)), results: done.map((r) => r.id) };
}

async function get(env: Env, path: string): Promise<void> {
  const res = await env.app.inject({ method: 'GET', url: path, headers: env.auth });
  if (res.statusCode !== 200) throw new Error(`GET ${path}: ${res.statusCode} ${res.body.slice(0, 300)}`);
}

/** One round of every operation on one database; returns each one's milliseconds. */
async function round(env: Env): Promise<Record<Op, number>> {
  const ms = {} as Record<Op, number>;
  const time = async (op: Op, work: () => Promise<unknown>) => {
    current = { env, op };
    const t = performance.now();
    await work();
    ms[op] = performance.now() - t;
    current = null;
  };
  let testId = '';
  await time('submit', async () => {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: env.auth,
      payload: { type: 'api', url: 'http://127.0.0.1:9/history', options: { assertions: [] } },
    });
    if (res.statusCode !== 202) throw new Error(`submit: ${res.statusCode} ${res.body.slice(0, 300)}`);
    testId = res.json<{ testId: string }>().testId;
  });
  await time('claim', async () => {
    const claimed = await env.store.claim(1, 'history-bench', 60_000);
    if (claimed[0]?.testId !== testId) throw new Error(`claim took ${claimed[0]?.testId}, not ${testId}`);
  });
  // Finished outside the clock, so the user's active tests stay under the per-user limit.
  await env.db.query(
    `WITH done AS (UPDATE test_queue SET status = 'completed', completed_at = now(), progress = 100
                   WHERE test_id = $1 RETURNING test_id)
     INSERT INTO test_results (test_id, passed, score, summary) SELECT test_id, true, 90, 'ok' FROM done`,
    [testId],
  );
  await time('list', () => get(env, '/api/tests?limit=20'));
  await time('list_cursor', () => get(env, `/api/tests?limit=20&cursor=${pick(env.fx.cursors)}`));
  await time('result', () => get(env, `/api/tests/${pick(env.fx.results)}/result`));
  await time('unread_count', () => get(env, '/api/notifications/unread-count'));
  await time('inbox', () => get(env, '/api/notifications?limit=20'));
  return ms;
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r3 = (n: number) => Math.round(n * 1000) / 1000;
type PerOp = Record<Op, number>;
const perOp = <T>(f: (op: Op) => T) => Object.fromEntries(OPS.map((op) => [op, f(op)])) as Record<Op, T>;

/** Rounds on the two databases in alternation (the order swapped every round); medians of the p95s. */
async function measure(envs: [Env, Env]): Promise<[PerOp, PerOp, Record<Op, number[]>]> {
  for (const env of envs) env.fx = await fixtures(env);
  for (let i = 0; i < 50; i++) for (const env of envs) await round(env); // JIT, pool, plan caches
  const p95s = envs.map(() => perOp<number[]>(() => []));
  const paired = perOp<number[]>(() => []);
  for (let rep = 0; rep < REPS; rep++) {
    const samples = envs.map(() => perOp<number[]>(() => []));
    for (let i = 0; i < SAMPLES; i++) {
      const order = i % 2 ? [1, 0] : [0, 1];
      for (const k of order) {
        const ms = await round(envs[k]!);
        for (const op of OPS) samples[k]![op].push(ms[op]);
      }
    }
    envs.forEach((env, k) => {
      for (const op of OPS) p95s[k]![op].push(p95(samples[k]![op]));
      console.log(
        `  rep ${rep + 1} ${env.label.padEnd(7)} ${OPS.map((op) => `${op} ${r3(p95(samples[k]![op]))}`).join('  ')} (p95 ms)`,
      );
    });
    for (const op of OPS) paired[op].push(r3(p95(samples[1]![op]) / p95(samples[0]![op])));
  }
  const [a, b] = p95s.map((x) => perOp((op) => r3(median(x[op]))));
  return [a!, b!, paired];
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of each statement an operation sent on the tables that grow (the app's
 * background loops run meanwhile; their statements are left out), each in a rolled-back transaction, 5
 * times. Returns each operation's summed median execution time. `print` shows the plans.
 */
async function explainAll(env: Env, print: boolean): Promise<Partial<PerOp>> {
  const sqlMs: Partial<PerOp> = {};
  for (const [op, seen] of env.statements) {
    for (const [text, values] of seen) {
      if (!/test_queue|test_results|notification/i.test(text)) continue;
      // A submission's INSERT is explained for a fresh test id (its own id exists by now).
      const args = /^\s*insert into test_queue/i.test(text) ? [randomUUID(), ...values.slice(1)] : values;
      const times: number[] = [];
      let lines: string[] = [];
      for (let i = 0; i < 5; i++) {
        await env.db.query('BEGIN');
        try {
          const plan = await env.db.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, args);
          lines = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']!);
          times.push(Number(/Execution Time: ([\d.]+)/.exec(lines.at(-1)!)?.[1] ?? NaN));
        } catch (err) {
          lines = [`(not explained: ${(err as Error).message})`];
        } finally {
          await env.db.query('ROLLBACK');
        }
      }
      if (times.length) sqlMs[op] = r3((sqlMs[op] ?? 0) + median(times));
      if (print) console.log(`\n[${op}] ${text.replace(/\s+/g, ' ').slice(0, 400)}\n  ${lines.join('\n  ')}`);
    }
  }
  return sqlMs;
}

const envs: Env[] = [];
try {
  console.log(
    `history: ${SAMPLES} rounds × ${REPS} repetitions on each database, alternating, one request at a time`,
  );
  envs.push(await createEnv('empty'), await createEnv('history'));
  const [empty, history] = envs as [Env, Env];
  console.log(
    `seeding ${SHAPE.tests.toLocaleString('en')} tests and ${SHAPE.notifications.toLocaleString('en')} notifications over ${SHAPE.users.toLocaleString('en')} users…`,
  );
  const t = Date.now();
  const seedSteps = await seedHistory(history.db, history.userId, SHAPE, console.log);
  const seedSeconds = Math.round((Date.now() - t) / 1000);
  console.log(`  seeded in ${seedSeconds} s`);
  await empty.db.query('VACUUM ANALYZE');
  const [a, b, paired] = await measure([empty, history]);
  const emptySql = await explainAll(empty, false);
  const historySql = await explainAll(history, process.env.BENCH_HISTORY_PLANS !== '0');
  const ratios: Record<string, number> = {};
  for (const op of OPS) {
    ratios[op] = r3(b[op] / a[op]);
    ratios[`paired_${op}`] = median(paired[op]);
    if (emptySql[op] && historySql[op]) ratios[`sql_${op}`] = r3(historySql[op] / emptySql[op]);
  }
  console.log('\n               p95 ms (request)                   SQL ms (EXPLAIN ANALYZE, summed)');
  console.log('  operation      empty  history  ratio  paired     empty  history  ratio');
  const cell = (v: unknown, w: number) => String(v ?? '-').padStart(w);
  for (const op of OPS)
    console.log(
      `  ${op.padEnd(12)} ${cell(a[op], 8)} ${cell(b[op], 8)} ${cell(ratios[op], 6)} ${cell(ratios[`paired_${op}`], 7)}   ${cell(emptySql[op], 7)} ${cell(historySql[op], 8)} ${cell(ratios[`sql_${op}`], 6)}${TARGETED.includes(op) ? '' : '  (not a target)'}`,
    );
  const targets = Object.fromEntries(TARGETED.map((op) => [op, '<= 1.2']));
  console.log(
    `BENCH_RESULT ${JSON.stringify({
      name: 'history',
      baseline: { empty_p95_ms: a, empty_sql_ms: emptySql },
      measured: { history_p95_ms: b, history_sql_ms: historySql },
      ratios,
      targets,
      config: { ...SHAPE, samples: SAMPLES, reps: REPS, seedSeconds, seedSteps, driver: 'pg' },
    })}`,
  );
} finally {
  for (const env of envs) {
    await env.app.close();
    await env.db.end();
    await admin.query(`DROP DATABASE IF EXISTS ${env.name} WITH (FORCE)`);
  }
  await admin.end();
}
