/**
 * bench/notifications: the inbox's two hot reads and the broadcast fan-out, on PostgreSQL.
 *
 * The server (server.ts, its own process) holds 100,000 notifications over 1,000 users (Zipf by user) among
 * 10,000 accounts. Here autocannon drives, at 50 connections, medians of BENCH_NOTIFY_ROUNDS rounds of
 * BENCH_NOTIFY_SECONDS each (warm-up first), with each request's user drawn from the same Zipf law:
 * - the bare Fastify route (the baseline) answering `{ count }`;
 * - GET /api/notifications/unread-count;
 * - GET /api/notifications?limit=20 (the first page).
 * Then EXPLAIN (ANALYZE, BUFFERS) of the two statements the routes ran, and the fan-out: an admin broadcast
 * to all 10,000 accounts while unread-count is under the same load; its time to completion and the API's
 * p95 during it against the p95 before it.
 *
 * `npm run bench notifications`; needs BENCH_DATABASE_URL or TESTWEB_TEST_DATABASE_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load, type Figures } from '../cache/load.ts';
import { zipfSampler } from '../cache/zipf.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_NOTIFY_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_NOTIFY_WARMUP ?? 5);
const ROUNDS = Number(process.env.BENCH_NOTIFY_ROUNDS ?? 3);
const FANOUT_WINDOW = Number(process.env.BENCH_NOTIFY_FANOUT_WINDOW ?? 10);

interface Ready {
  type: 'ready';
  seedSeconds: number;
  users: number;
  active: number;
  rows: number;
  port: number;
  barePort: number;
  tokens: string[];
}

function reply<T>(child: ChildProcess, type: string, send?: object, timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} from the server in time`)), timeoutMs);
    const onExit = (code: number | null) => reject(new Error(`server exited (${code})`));
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (send) child.send(send);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

/** Requests whose user follows the Zipf law: pathFor draws the user, authFor hands over that user's token. */
function zipfUsers(ready: Ready, seed: number) {
  const next = zipfSampler(ready.active, 1.0, seed);
  let current = 0;
  return {
    draw: () => (current = next()),
    token: () => ready.tokens[current]!,
  };
}

async function rounds(ready: Ready, port: number, pathOf: () => string, seed: number): Promise<Figures> {
  const users = zipfUsers(ready, seed);
  const pathFor = () => (users.draw(), pathOf());
  await load(port, WARMUP, pathFor, users.token, CONNECTIONS);
  const runs: Figures[] = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await load(port, SECONDS, pathFor, users.token, CONNECTIONS));
  const pick = (k: keyof Figures) => median(runs.map((f) => f[k]));
  return {
    rps: pick('rps'),
    p50_ms: pick('p50_ms'),
    p95_ms: pick('p95_ms'),
    p99_ms: pick('p99_ms'),
    requests: runs.reduce((s, f) => s + f.requests, 0),
    non_2xx: runs.reduce((s, f) => s + f.non_2xx, 0),
    errors: runs.reduce((s, f) => s + f.errors, 0),
  };
}

async function api<T>(port: number, token: string, method: string, url: string, body?: object): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Broadcast {
  status: string;
  delivered: number;
  createdAt: string;
  completedAt: string | null;
}

async function fanOut(ready: Ready) {
  const admin = ready.tokens[0]!;
  const users = zipfUsers(ready, 7);
  const pathFor = () => (users.draw(), '/api/notifications/unread-count');
  const before = await load(ready.port, FANOUT_WINDOW, pathFor, users.token, CONNECTIONS);
  const t0 = Date.now();
  const { broadcastId } = await api<{ broadcastId: string }>(
    ready.port,
    admin,
    'POST',
    '/api/admin/notifications/broadcast',
    { title: 'Maintenance tonight', content: 'TestWeb restarts at 23:00 UTC for an upgrade.' },
  );
  const accepted_ms = Date.now() - t0;
  let finishedAt: number | null = null;
  let last: Broadcast | null = null;
  const poll = (async () => {
    while (Date.now() - t0 < 120_000) {
      last = await api<Broadcast>(
        ready.port,
        admin,
        'GET',
        `/api/admin/notifications/broadcasts/${broadcastId}`,
      );
      if (last.status === 'completed' || last.status === 'failed') return (finishedAt = Date.now());
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  })();
  const during = await load(ready.port, FANOUT_WINDOW, pathFor, users.token, CONNECTIONS);
  await poll;
  const final = last as Broadcast | null;
  return {
    before,
    during,
    accepted_ms,
    completed_s: finishedAt === null ? null : Math.round((finishedAt - t0) / 100) / 10,
    server_s:
      final?.completedAt && final.createdAt
        ? Math.round((Date.parse(final.completedAt) - Date.parse(final.createdAt)) / 100) / 10
        : null,
    status: final?.status ?? null,
    delivered: final?.delivered ?? null,
    window_s: FANOUT_WINDOW,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  // BENCH_NOTIFY_PROFILE=dir writes a CPU profile of the server process there (node --cpu-prof).
  const profile = process.env.BENCH_NOTIFY_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_NOTIFY_PROFILE}`]
    : [];
  const server = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(here, 'server.ts')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const ready = await reply<Ready>(server, 'ready');
    console.log(
      `server ready: ${ready.rows} notifications over ${ready.active} users (Zipf), ${ready.users} accounts, seeded in ${ready.seedSeconds} s; ${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s per target`,
    );
    const bare = await rounds(ready, ready.barePort, () => '/bare', 1);
    const unread = await rounds(ready, ready.port, () => '/api/notifications/unread-count', 2);
    const list = await rounds(ready, ready.port, () => '/api/notifications?limit=20', 3);
    console.table({ bare_fastify: bare, unread_count: unread, list_first_page: list });
    const plans = {
      unread_count: (
        await reply<{ plan: string }>(server, 'explained', {
          type: 'explain',
          pattern: 'from "notification_unread_counts"',
        })
      ).plan,
      list_first_page: (
        await reply<{ plan: string }>(server, 'explained', {
          type: 'explain',
          pattern: 'select .*from "notifications".*order by',
        })
      ).plan,
    };
    for (const [k, plan] of Object.entries(plans)) console.log(`\nEXPLAIN ${k}:\n${plan}`);
    const fanout = await fanOut(ready);
    console.log(
      `\nfan-out: broadcast to ${ready.users} accounts accepted in ${fanout.accepted_ms} ms, ${fanout.status} after ${fanout.completed_s} s (server ${fanout.server_s} s, delivered ${fanout.delivered}); unread-count p95 ${fanout.before.p95_ms} ms before, ${fanout.during.p95_ms} ms during (${FANOUT_WINDOW} s windows)`,
    );
    const ratios = {
      unread_p95_vs_bare: ratio(unread.p95_ms, bare.p95_ms),
      list_p95_vs_bare: ratio(list.p95_ms, bare.p95_ms),
      unread_rps_vs_bare: ratio(unread.rps, bare.rps),
      fanout_p95_during_vs_before: ratio(fanout.during.p95_ms, fanout.before.p95_ms),
    };
    const targets = {
      unread_p95_vs_bare: '<= 2',
      unread_p95_ms: '<= 10',
      list_p95_ms: '<= 20',
      fanout_completed_s: '<= 30',
      fanout_p95_during_vs_before: '<= 1.2',
    };
    console.log(
      `ratios: ${JSON.stringify(ratios)}; wall time ${Math.round((Date.now() - started) / 1000)} s`,
    );
    const result = {
      name: 'notifications',
      baseline: { bare_fastify: bare },
      measured: { unread_count: unread, list_first_page: list, fanout },
      ratios,
      targets,
      config: {
        connections: CONNECTIONS,
        seconds: SECONDS,
        rounds: ROUNDS,
        warmup_s: WARMUP,
        ...{ users: ready.users, active: ready.active, rows: ready.rows },
      },
      plans,
    };
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
    await reply(server, 'closed', { type: 'close' });
    // Let it exit by itself (a CPU profile is written on exit).
    if (server.exitCode === null)
      await new Promise((resolve) => {
        server.once('exit', resolve);
        setTimeout(resolve, 30_000).unref();
      });
  } finally {
    if (server.exitCode === null) server.kill('SIGTERM');
  }
}

await main();
