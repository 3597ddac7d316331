/**
 * The measured server of bench/load, in its own process: the real app with its queue worker (what
 * `testweb serve` starts), configured from the environment the runner gives it, seeded with plain inserts
 * (BENCH_LOAD_USERS accounts sharing one argon2id password hash, each with BENCH_LOAD_TESTS completed api
 * tests and results and BENCH_LOAD_NOTIFICATIONS notifications, half unread), then listening on a free
 * loopback port. Answers `cpu` with its own CPU time (process.cpuUsage) and `close` by closing the app.
 */
import { hash } from '@node-rs/argon2';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { Kysely } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { DB } from '../../src/shared/db/index.ts';
import { cpuSample, type ServerCommand, type ServerMessage } from './ipc.ts';

const USERS = Number(process.env.BENCH_LOAD_USERS ?? 1000);
const TESTS = Number(process.env.BENCH_LOAD_TESTS ?? 10);
const NOTIFICATIONS = Number(process.env.BENCH_LOAD_NOTIFICATIONS ?? 20);
const PASSWORD = 'a sturdy bench passphrase 42';
const BATCH = 500;

function send(message: ServerMessage): void {
  process.send!(message);
}

async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await insert(rows.slice(i, i + BATCH));
}

/** The accounts, their finished tests and their inbox; returns the e-mail addresses. */
async function seed(db: Kysely<DB>): Promise<string[]> {
  // One hash for everyone (Algorithm.Argon2id = 2, the app's parameters): signing in still verifies it.
  const passwordHash = await hash(PASSWORD, { algorithm: 2 });
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: randomUUID(),
    email: `load${i}@bench.test`,
    password_hash: passwordHash,
    role: 'user' as const,
    display_name: null,
    mfa_secret_encrypted: null,
    mfa_pending_secret_encrypted: null,
    mfa_last_step: null,
    last_login_at: null,
    email_verified_at: new Date(),
    disabled_at: null,
    password_changed_at: null,
  }));
  await inBatches(users, (b) => db.insertInto('users').values(b).execute());
  const now = Date.now();
  const tests = users.flatMap((u) =>
    Array.from({ length: TESTS }, (_, k) => ({
      test_id: randomUUID(),
      test_type: 'api',
      url: `http://127.0.0.1/seeded/${k}`,
      config: '{}',
      status: 'completed' as const,
      user_id: u.id,
      progress: 100,
      created_at: new Date(now - (TESTS - k) * 60_000),
      started_at: new Date(now - (TESTS - k) * 60_000),
      completed_at: new Date(now - (TESTS - k) * 60_000 + 150),
    })),
  );
  await inBatches(tests, (b) => db.insertInto('test_queue').values(b).execute());
  const result = (k: number) => ({
    passed: k % 5 !== 0,
    score: 60 + k,
    summary: `1 step, ${k % 5 === 0 ? '1 assertion failed' : 'all assertions passed'}`,
    metrics: JSON.stringify({ steps: 1, assertions: 2, failed: k % 5 === 0 ? 1 : 0, total_ms: 12 + k }),
    findings: JSON.stringify([]),
    details: JSON.stringify({ steps: [{ name: 'GET /', status: 200, ms: 12 + k }] }),
  });
  await inBatches(tests, (b) =>
    db
      .insertInto('test_results')
      .values(b.map((t, j) => ({ test_id: t.test_id, ...result(j % TESTS) })))
      .execute(),
  );
  const notifications = users.flatMap((u) =>
    Array.from({ length: NOTIFICATIONS }, (_, k) => ({
      user_id: u.id,
      type: 'test_completed' as const,
      title: `Test completed: api http://127.0.0.1/seeded/${k}`,
      content: 'Score 93, passed',
      data: JSON.stringify({ score: 93 }),
      is_read: k % 2 === 0,
      action_url: '/tests/1',
      created_at: new Date(now - k * 3_600_000),
      read_at: k % 2 === 0 ? new Date(now - k * 3_600_000) : null,
      dedupe_key: null,
    })),
  );
  await inBatches(notifications, (b) => db.insertInto('notifications').values(b).execute());
  return users.map((u) => u.email);
}

const { config } = loadConfig(process.env);
const app = await buildApp({ config });
const started = Date.now();
const emails = await seed(app.database.db);
const seedSeconds = Math.round((Date.now() - started) / 100) / 10;
await app.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });

// The measured window only: a --cpu-prof of the whole process would mix in startup, seeding and sign-in.
const inspector = new Session();

process.on('message', (command: ServerCommand) => {
  if (command.cmd === 'cpu') send({ type: 'cpu', ...cpuSample() });
  else if (command.cmd === 'profile-start') {
    inspector.connect();
    void inspector
      .post('Profiler.enable')
      .then(() => inspector.post('Profiler.setSamplingInterval', { interval: 1000 }))
      .then(() => inspector.post('Profiler.start'));
  } else if (command.cmd === 'profile-stop')
    void inspector.post('Profiler.stop').then(({ profile }) => {
      writeFileSync(command.file, JSON.stringify(profile));
      inspector.disconnect();
      send({ type: 'profiled' });
    });
  else
    void app.close().then(() => {
      send({ type: 'closed' });
      process.exit(0);
    });
});

const address = app.server.address();
send({
  type: 'ready',
  port: typeof address === 'object' && address ? address.port : 0,
  emails,
  password: PASSWORD,
  seedSeconds,
});
