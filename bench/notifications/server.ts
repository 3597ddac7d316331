/**
 * The server side of bench/notifications, in its own process so the load generator does not share its
 * event loop: the real app on a fresh PostgreSQL database (BENCH_DATABASE_URL / TESTWEB_TEST_DATABASE_URL),
 * seeded with plain SQL — BENCH_NOTIFY_USERS accounts (10,000) of which the first BENCH_NOTIFY_ACTIVE
 * (1,000) own BENCH_NOTIFY_ROWS notifications (100,000), Zipf-distributed by user, half unread, spread
 * over 30 days — and a bare Fastify route answering the same JSON as unread-count (the baseline).
 * Every SQL statement the app sends is recorded (first of each text) so the runner can EXPLAIN the
 * queries the routes really run.
 */
import Fastify from 'fastify';
import pg from 'pg';
import { randomBytes, randomUUID } from 'node:crypto';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createAccessTokens } from '../../src/modules/auth/tokens.ts';
import { zipfSampler, mulberry32 } from '../cache/zipf.ts';

const USERS = Number(process.env.BENCH_NOTIFY_USERS ?? 10_000);
const ACTIVE = Number(process.env.BENCH_NOTIFY_ACTIVE ?? 1_000);
const ROWS = Number(process.env.BENCH_NOTIFY_ROWS ?? 100_000);
const SEED = 20_261_201;
const PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.TESTWEB_TEST_DATABASE_URL;
if (!PG_URL)
  throw new Error(
    'bench/notifications needs PostgreSQL: set BENCH_DATABASE_URL or TESTWEB_TEST_DATABASE_URL',
  );
const JWT_SECRET = 'b'.repeat(40);

const name = `testweb_bench_notify_${randomBytes(4).toString('hex')}`;
const adminClient = new pg.Client({ connectionString: PG_URL });
await adminClient.connect();
await adminClient.query(`CREATE DATABASE ${name}`);
const url = new URL(PG_URL);
url.pathname = `/${name}`;

// Record the statements the app runs (pg's Client.query is what Kysely's PostgresDialect calls).
const statements = new Map<string, unknown[]>();
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const first = args[0] as { text?: string; values?: unknown[] } | string;
  const text = typeof first === 'string' ? first : first?.text;
  const values = typeof first === 'string' ? (args[1] as unknown[]) : first?.values;
  if (text && !statements.has(text)) statements.set(text, values ?? []);
  return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

const { config } = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_SECRET,
  ENCRYPTION_KEY: 'e'.repeat(40),
  ACCESS_TOKEN_TTL: '3h',
  DATABASE_URL: url.toString(),
  DATABASE_POOL_MAX: '20',
  ...(process.env.BENCH_REDIS_URL || process.env.TESTWEB_TEST_REDIS_URL
    ? {
        REDIS_URL: process.env.BENCH_REDIS_URL ?? process.env.TESTWEB_TEST_REDIS_URL!,
        QUEUE_PREFIX: `bench-${name}`,
        REDIS_KEY_PREFIX: `bench-${name}:`,
      }
    : {}),
});
const app = await buildApp({ config });
await app.ready();
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();

async function seed() {
  const ids = Array.from({ length: USERS }, () => randomUUID()).sort();
  for (let i = 0; i < USERS; i += 5000) {
    const batch = ids.slice(i, i + 5000);
    await db.query(
      `INSERT INTO users (id, email, role) SELECT id, 'u' || n || '@bench.test', CASE WHEN n = 0 THEN 'admin' ELSE 'user' END
       FROM unnest($1::uuid[], $2::int[]) AS t(id, n)`,
      [batch, batch.map((_, k) => i + k)],
    );
  }
  const pick = zipfSampler(ACTIVE, 1.0, SEED);
  const random = mulberry32(SEED + 1);
  const types = ['test_completed', 'test_failed', 'alert_triggered', 'system_update', 'quota_warning'];
  const now = Date.now();
  for (let i = 0; i < ROWS; i += 10_000) {
    const n = Math.min(10_000, ROWS - i);
    const users: string[] = [];
    const kinds: string[] = [];
    const read: boolean[] = [];
    const at: string[] = [];
    for (let k = 0; k < n; k++) {
      users.push(ids[pick()]!);
      kinds.push(types[Math.floor(random() * types.length)]!);
      read.push(random() < 0.5);
      at.push(new Date(now - Math.floor(random() * 30 * 86_400_000)).toISOString());
    }
    await db.query(
      `INSERT INTO notifications (user_id, type, title, content, data, is_read, action_url, created_at, read_at)
       SELECT u, k, 'Test completed: api http://127.0.0.1/', 'Score 93, passed', '{"score":93}'::jsonb, r,
              '/tests/1', a, CASE WHEN r THEN a END
       FROM unnest($1::uuid[], $2::text[], $3::bool[], $4::timestamptz[]) AS t(u, k, r, a)`,
      [users, kinds, read, at],
    );
  }
  await db.query('ANALYZE');
  return ids;
}

const started = Date.now();
const ids = await seed();
const seedSeconds = Math.round((Date.now() - started) / 100) / 10;
const tokens = await createAccessTokens(JWT_SECRET, 3 * 3_600_000);
const sessionId = randomUUID();
const userTokens = await Promise.all(
  ids.slice(0, ACTIVE).map((id, i) => tokens.sign({ id, role: i === 0 ? 'admin' : 'user' }, sessionId)),
);
await app.listen({ port: 0, host: '127.0.0.1' });

const bare = Fastify({ logger: false });
bare.get('/bare', async () => ({ count: 42 }));
await bare.listen({ port: 0, host: '127.0.0.1' });

/** EXPLAIN ANALYZE of the first recorded statement matching `pattern`, with the values it ran with. */
async function explain(pattern: RegExp): Promise<string> {
  const found = [...statements].find(([text]) => pattern.test(text));
  if (!found) return `(no statement matched ${pattern})`;
  const [text, values] = found;
  const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
  return `${text}\n${plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}`;
}

process.on('message', (msg: { type: string; pattern?: string }) => {
  void (async () => {
    if (msg.type === 'explain') {
      process.send!({ type: 'explained', plan: await explain(new RegExp(msg.pattern!, 'is')) });
    } else if (msg.type === 'close') {
      await Promise.allSettled([app.close(), bare.close()]);
      await db.end();
      await adminClient.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await adminClient.end();
      process.send!({ type: 'closed' });
      process.exit(0);
    }
  })();
});

process.send!({
  type: 'ready',
  seedSeconds,
  users: USERS,
  active: ACTIVE,
  rows: ROWS,
  port: (app.server.address() as { port: number }).port,
  barePort: (bare.server.address() as { port: number }).port,
  tokens: userTokens,
});
