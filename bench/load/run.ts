/**
 * bench/load: 1,000 concurrent users on one TestWeb server process (API + its queue worker, as
 * `testweb serve` runs), k6-style closed model: each user signs in once through POST /api/auth/login,
 * holds one WebSocket on `test-updates` + `user-notifications`, and loops — list tests, read a test and
 * its result, read notifications and the unread count, submit a small `api` test every 30 s against a
 * fixture on 127.0.0.1 — with 1 s think time after each iteration (loadgen.ts; undici + ws).
 *
 * Three processes: the server (server.ts), the load generator (loadgen.ts) and this runner, which serves
 * the api tests' fixture target and samples everyone's CPU time (both share the same cores).
 * Modes: embedded (PGlite in a temporary DATA_DIR, in-process queue) and services (a fresh PostgreSQL
 * database created and dropped here, Redis keys under a prefix of their own, removed afterwards).
 *
 * `npm run bench load`, or `npx tsx bench/load/run.ts --duration 60 --modes services --repeat 1 --profile`.
 * Environment (flags win): BENCH_LOAD_DURATION (s, 300), BENCH_LOAD_MODES (embedded,services),
 * BENCH_LOAD_REPEAT (3), BENCH_LOAD_USERS (1000), BENCH_LOAD_THINK_MS (1000), BENCH_LOAD_LOG_LEVEL (info,
 * the product's default; logs go to /dev/null), BENCH_LOAD_PROFILE (1: a CPU profile of the server over the
 * measured window, its top self-time functions printed, the file left in BENCH_LOAD_PROFILE_DIR or the
 * temp directory), BENCH_DATABASE_URL, BENCH_REDIS_URL.
 * Any failure (a process exiting, sign-in failing, a run cut short) exits non-zero without BENCH_RESULT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ENV_VARS } from '../../src/config/env.schema.ts';
import type { CpuSample, LoadMessage, LoadPlan, LoadReport, ServerMessage } from './ipc.ts';
import { selfTimeByOwner, topSelfTime } from './profile-top.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string' },
    modes: { type: 'string' },
    repeat: { type: 'string' },
    users: { type: 'string' },
    think: { type: 'string' },
    profile: { type: 'boolean' },
  },
});
const env = process.env;
const DURATION_S = Number(flags.duration ?? env.BENCH_LOAD_DURATION ?? 300);
const MODES = (flags.modes ?? env.BENCH_LOAD_MODES ?? 'embedded,services').split(',') as Mode[];
const REPEAT = Number(flags.repeat ?? env.BENCH_LOAD_REPEAT ?? 3);
const USERS = Number(flags.users ?? env.BENCH_LOAD_USERS ?? 1000);
const THINK_MS = Number(flags.think ?? env.BENCH_LOAD_THINK_MS ?? 1000);
const PROFILE = flags.profile ?? env.BENCH_LOAD_PROFILE === '1';
const LOG_LEVEL = env.BENCH_LOAD_LOG_LEVEL ?? 'info';
const SUBMIT_EVERY_MS = 30_000;
const DRAIN_MS = 60_000;
const PG_URL = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Where --profile leaves the server's .cpuprofile files (kept: open them in Chrome's DevTools). */
const PROFILE_DIR = env.BENCH_LOAD_PROFILE_DIR ?? tmpdir();
/** Sign-in of 1,000 users (one argon2id verification each) and seeding stay well inside this. */
const SETUP_TIMEOUT_MS = 300_000;

type Mode = 'embedded' | 'services';
interface Run {
  mode: Mode;
  report: LoadReport;
  cpu: { serverMs: number; loadgenMs: number; runnerMs: number; machineBusyMs: number; windowS: number };
  serverRssMb: number;
  loadgenRssMb: number;
  loopDelay: { server: CpuSample['loopDelay']; loadgen: CpuSample['loopDelay'] };
  targetRequests: number;
  seedSeconds: number;
}

for (const mode of MODES)
  if (mode !== 'embedded' && mode !== 'services') throw new Error(`unknown mode ${String(mode)}`);
if (!(DURATION_S > 0) || !(REPEAT >= 1) || !(USERS >= 1))
  throw new Error('bad --duration, --repeat or --users');

/** Busy and total jiffies of the whole machine (/proc/stat), to show what the other processes took. */
function machineBusyMs(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const total = cpu.reduce((a, b) => a + b, 0);
  return ((total - idle) * 1000) / 100; // USER_HZ is 100 on Linux
}

function runnerCpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** The api tests' target: a small JSON answer. */
async function startTarget() {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"items":[1,2,3]}');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/health`,
    requests: () => requests,
    close: () => new Promise((r) => server.close(r)),
  };
}

function spawnChild(file: string, childEnv: NodeJS.ProcessEnv, nodeFlags: string[] = []): ChildProcess {
  const node = [process.execPath, ...nodeFlags, '--import', 'tsx', path.join(here, file)];
  // Raise the soft open-file limit to the hard one: 1,000 HTTP connections plus 1,000 sockets each side.
  return spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$@"', 'sh', ...node], {
    env: childEnv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

/** The next message of `type` from `child`; rejects when the child exits first or the time is up. */
function next<T extends { type: string }>(
  child: ChildProcess,
  type: T['type'],
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no '${type}' within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => done(new Error(`process exited (${code}) before '${type}'`));
    const onMessage = (m: T) => {
      if (m.type === 'failed') done(new Error((m as unknown as { error: string }).error));
      else if (m.type === type) done(null, m);
    };
    function done(err: Error | null, m?: T) {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('message', onMessage);
      if (err) reject(err);
      else resolve(m!);
    }
    child.once('exit', onExit);
    child.on('message', onMessage);
  });
}

/** The server's environment: only TestWeb's own variables this bench sets, nothing inherited. */
function serverEnv(mode: Mode, dataDir: string, database: string | null, prefix: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(env).filter(([k]) => !ENV_VARS.some((v) => v.name === k) && !k.startsWith('BENCH_')),
  );
  return {
    ...inherited,
    NODE_ENV: 'production',
    LOG_LEVEL,
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    JWT_SECRET: 'bench-load-jwt-secret-bench-load-jwt-secret-0123',
    ENCRYPTION_KEY: 'bench-load-encryption-key-bench-load-encryption-k',
    ALLOW_PRIVATE_TARGETS: 'true',
    // 1,000 sign-ins from one address within a minute; the bench's only change to the defaults.
    AUTH_RATE_LIMIT_IP: '100000/1m',
    ACCESS_TOKEN_TTL: '1h',
    BENCH_LOAD_USERS: String(USERS),
    ...(mode === 'services'
      ? { DATABASE_URL: database!, REDIS_URL, REDIS_KEY_PREFIX: `${prefix}:`, QUEUE_PREFIX: prefix }
      : {}),
  };
}

async function withDatabase<T>(
  mode: Mode,
  work: (url: string | null, prefix: string) => Promise<T>,
): Promise<T> {
  const prefix = `bench-load-${randomBytes(4).toString('hex')}`;
  if (mode === 'embedded') return work(null, prefix);
  const name = `testweb_bench_load_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString(), prefix);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

type ProcessSample = { server: CpuSample; runner: number; machine: number; at: number };

function sample(server: ChildProcess): Promise<ProcessSample> {
  const answer = next<Extract<ServerMessage, { type: 'cpu' }>>(server, 'cpu', 30_000);
  server.send({ cmd: 'cpu' });
  return answer.then((cpu) => ({
    server: cpu,
    runner: runnerCpuMs(),
    machine: machineBusyMs(),
    at: Date.now(),
  }));
}

/** Starts the load generator on `plan`: resolves once its users signed in and their loops started. */
async function startLoad(plan: LoadPlan, mode: Mode, seedSeconds: number) {
  const loadgen = spawnChild('loadgen.ts', { ...env });
  // Listen before asking: 'signed-in', 'running' and 'report' may arrive back to back.
  const signedIn = next<Extract<LoadMessage, { type: 'signed-in' }>>(loadgen, 'signed-in', SETUP_TIMEOUT_MS);
  const running = next(loadgen, 'running', SETUP_TIMEOUT_MS + 10_000);
  const runLimit = SETUP_TIMEOUT_MS + (DURATION_S + 120) * 1000 + DRAIN_MS;
  const report = next<Extract<LoadMessage, { type: 'report' }>>(loadgen, 'report', runLimit);
  // Awaited later; without these a failure would surface as an unhandled rejection first.
  running.catch(() => {});
  report.catch(() => {});
  loadgen.send({ cmd: 'run', plan });
  try {
    const s = await signedIn;
    console.log(
      `  ${mode}: seeded in ${seedSeconds} s; ${s.users} users signed in and subscribed in ${s.seconds} s`,
    );
    await running;
  } catch (err) {
    loadgen.kill('SIGKILL');
    throw err;
  }
  return { loadgen, report };
}

/** The measured window: CPU samples at both ends, the server's CPU profile over it with --profile. */
async function measureWindow(server: ChildProcess, mode: Mode) {
  if (PROFILE) server.send({ cmd: 'profile-start' });
  const before = await sample(server);
  await new Promise((r) => setTimeout(r, DURATION_S * 1000));
  const after = await sample(server);
  const profileFile = path.join(PROFILE_DIR, `load-${mode}-${Date.now()}.cpuprofile`);
  if (PROFILE) {
    const profiled = next(server, 'profiled', 60_000);
    server.send({ cmd: 'profile-stop', file: profileFile });
    await profiled;
  }
  return { before, after, profileFile };
}

async function measure(mode: Mode, target: Awaited<ReturnType<typeof startTarget>>): Promise<Run> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'testweb-bench-load-'));
  return withDatabase(mode, async (database, prefix) => {
    const server = spawnChild('server.ts', serverEnv(mode, dataDir, database, prefix));
    let loadgen: ChildProcess | null = null;
    try {
      const ready = await next<Extract<ServerMessage, { type: 'ready' }>>(server, 'ready', SETUP_TIMEOUT_MS);
      const load = await startLoad(
        {
          baseUrl: `http://127.0.0.1:${ready.port}`,
          targetUrl: target.url,
          emails: ready.emails,
          password: ready.password,
          durationS: DURATION_S,
          thinkMs: THINK_MS,
          submitEveryMs: SUBMIT_EVERY_MS,
          drainMs: DRAIN_MS,
        },
        mode,
        ready.seedSeconds,
      );
      loadgen = load.loadgen;
      const targetBefore = target.requests();
      const { before, after, profileFile } = await measureWindow(server, mode);
      const r = await load.report;
      if (r.report.durationS < DURATION_S * 0.99)
        throw new Error(`the run lasted ${r.report.durationS} s of ${DURATION_S} s`);
      const closed = next(server, 'closed', 60_000);
      server.send({ cmd: 'close' });
      await closed;
      if (PROFILE) printProfile(profileFile);
      return {
        mode,
        report: r.report,
        cpu: {
          serverMs: after.server.cpuMs - before.server.cpuMs,
          loadgenMs: r.cpuMs,
          runnerMs: Math.round(after.runner - before.runner),
          machineBusyMs: Math.round(after.machine - before.machine),
          windowS: (after.at - before.at) / 1000,
        },
        serverRssMb: after.server.rssMb,
        loopDelay: { server: after.server.loopDelay, loadgen: r.loopDelay },
        loadgenRssMb: r.rssMb,
        targetRequests: target.requests() - targetBefore,
        seedSeconds: ready.seedSeconds,
      };
    } finally {
      loadgen?.kill('SIGKILL');
      server.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

function printProfile(file: string): void {
  const { busyMs, functions } = topSelfTime(file, 25);
  console.log(`  server CPU profile of the measured window: ${busyMs} ms busy, ${file}`);
  for (const f of functions) console.log(`    ${String(f.share).padStart(5)} %  ${f.fn}  ${f.where}`);
  console.log('  by owner:');
  for (const o of selfTimeByOwner(file)) console.log(`    ${String(o.share).padStart(5)} %  ${o.owner}`);
}

function printRun(run: Run): void {
  const { report: r, cpu } = run;
  const rate = Math.round(r.requests / r.durationS);
  console.log(
    `  ${run.mode}: ${r.users} users, ${r.durationS.toFixed(0)} s, ${r.iterations} iterations, ${r.requests} requests (${rate}/s), ${r.submitted} tests submitted`,
  );
  console.log('    route                                 count     p50     p95     p99     max (ms)');
  for (const [route, f] of [...Object.entries(r.routes), ['all', r.all] as const])
    console.log(
      `    ${route.padEnd(36)} ${String(f.count).padStart(7)} ${String(f.p50).padStart(7)} ${String(f.p95).padStart(7)} ${String(f.p99).padStart(7)} ${String(f.max).padStart(7)}`,
    );
  console.log(`    errors: ${Object.keys(r.errors).length ? JSON.stringify(r.errors) : 'none'}`);
  console.log(
    `    api tests' fixture answered ${run.targetRequests} requests; websocket: ${r.ws.opened} open, ${r.ws.messages} messages, completion events ${r.ws.received}/${r.ws.expected}, id holes ${r.ws.idHoles}, closed early ${r.ws.closedEarly}, tests unfinished after the drain ${r.ws.unfinished} → lost ${r.ws.lost}`,
  );
  const cores = (ms: number) => (ms / 1000 / cpu.windowS).toFixed(2);
  console.log(
    `    CPU over ${cpu.windowS.toFixed(0)} s, in cores: server ${cores(cpu.serverMs)}, load generator ${cores(cpu.loadgenMs)}, runner+target ${cores(cpu.runnerMs)}, whole machine ${cores(cpu.machineBusyMs)} (others ${cores(cpu.machineBusyMs - cpu.serverMs - cpu.loadgenMs - cpu.runnerMs)})`,
  );
  console.log(
    `    server CPU per request ${(cpu.serverMs / r.requests).toFixed(2)} ms (load generator ${(cpu.loadgenMs / r.requests).toFixed(2)} ms); RSS: server ${run.serverRssMb} MB, load generator ${run.loadgenRssMb} MB`,
  );
  // What the shape asks for at the target latency vs what the measured CPU cost per request allows.
  const perIteration = r.requests / Math.max(1, r.iterations);
  const offered = (r.users * perIteration) / (THINK_MS / 1000 + perIteration * 0.01);
  const perRequestMs = (cpu.serverMs + cpu.loadgenMs) / r.requests;
  console.log(
    `    capacity: ${perIteration.toFixed(1)} requests per iteration → ${Math.round(offered)} req/s offered at 10 ms each; at ${perRequestMs.toFixed(2)} ms of server + load generator CPU per request that needs ${((offered * perRequestMs) / 1000).toFixed(1)} cores, and one server event loop (${(cpu.serverMs / r.requests).toFixed(2)} ms/request) tops out near ${Math.round(r.requests / (cpu.serverMs / 1000))} req/s`,
  );
  const d = (x: CpuSample['loopDelay']) => `p50 ${x.p50} / p99 ${x.p99} / max ${x.max} ms`;
  console.log(
    `    event-loop delay: server ${d(run.loopDelay.server)}; load generator ${d(run.loopDelay.loadgen)}`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Medians across repetitions of each figure; errors and lost messages summed (every run must hold 0). */
function summarize(runs: Run[]) {
  const m = (pick: (r: Run) => number) => Math.round(median(runs.map(pick)) * 100) / 100;
  const routes = Object.keys(runs[0]!.report.routes);
  const errors: Record<string, number> = {};
  for (const run of runs)
    for (const [k, v] of Object.entries(run.report.errors)) errors[k] = (errors[k] ?? 0) + v;
  const window = (r: Run) => r.cpu.windowS;
  return {
    users: USERS,
    duration_s: DURATION_S,
    repetitions: runs.length,
    requests_per_s: m((r) => r.report.requests / r.report.durationS),
    p50_ms: m((r) => r.report.all.p50),
    p95_ms: m((r) => r.report.all.p95),
    p99_ms: m((r) => r.report.all.p99),
    routes: Object.fromEntries(
      routes.map((route) => [
        route,
        {
          p50_ms: m((r) => r.report.routes[route]?.p50 ?? NaN),
          p95_ms: m((r) => r.report.routes[route]?.p95 ?? NaN),
          p99_ms: m((r) => r.report.routes[route]?.p99 ?? NaN),
        },
      ]),
    ),
    errors: Object.values(errors).reduce((a, b) => a + b, 0),
    errors_by_kind: errors,
    tests_submitted: m((r) => r.report.submitted),
    ws_expected: runs.reduce((a, r) => a + r.report.ws.expected, 0),
    ws_lost: runs.reduce((a, r) => a + r.report.ws.lost, 0),
    tests_unfinished: runs.reduce((a, r) => a + r.report.ws.unfinished, 0),
    ws_closed_early: runs.reduce((a, r) => a + r.report.ws.closedEarly, 0),
    cpu_cores_server: m((r) => r.cpu.serverMs / 1000 / window(r)),
    cpu_cores_loadgen: m((r) => r.cpu.loadgenMs / 1000 / window(r)),
    cpu_cores_machine: m((r) => r.cpu.machineBusyMs / 1000 / window(r)),
    // Noise-robust on a shared machine: what one request costs the server, whatever else runs.
    server_cpu_ms_per_request: m((r) => r.cpu.serverMs / r.report.requests),
    loadgen_cpu_ms_per_request: m((r) => r.cpu.loadgenMs / r.report.requests),
    server_rss_mb: m((r) => r.serverRssMb),
    server_loop_delay_p99_ms: m((r) => r.loopDelay.server.p99),
    loadgen_loop_delay_p99_ms: m((r) => r.loopDelay.loadgen.p99),
  };
}

const target = await startTarget();
const measured: Record<string, ReturnType<typeof summarize>> = {};
try {
  for (const mode of MODES) {
    const runs: Run[] = [];
    for (let i = 0; i < REPEAT; i++) {
      console.log(`bench/load ${mode} run ${i + 1} of ${REPEAT} (${USERS} users, ${DURATION_S} s)`);
      const run = await measure(mode, target);
      printRun(run);
      runs.push(run);
    }
    measured[mode] = summarize(runs);
  }
} catch (err) {
  console.error(`bench/load failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
} finally {
  await target.close();
}

console.log('\nmode        req/s    p50     p95     p99   errors  ws lost   server cores  loadgen cores');
for (const [mode, s] of Object.entries(measured))
  console.log(
    `${mode.padEnd(10)} ${String(s.requests_per_s).padStart(6)} ${String(s.p50_ms).padStart(6)} ${String(s.p95_ms).padStart(7)} ${String(s.p99_ms).padStart(7)} ${String(s.errors).padStart(7)} ${String(s.ws_lost).padStart(8)} ${String(s.cpu_cores_server).padStart(13)} ${String(s.cpu_cores_loadgen).padStart(14)}`,
  );
const targets = {
  services: { p95_ms: '< 50', p99_ms: '< 200', errors: 0, ws_lost: 0 },
  embedded: { p95_ms: '< 100', errors: 0 },
};
const ratios: Record<string, number> = {};
if (measured.services) {
  ratios.services_p95_vs_target = Math.round((measured.services.p95_ms / 50) * 100) / 100;
  ratios.services_p99_vs_target = Math.round((measured.services.p99_ms / 200) * 100) / 100;
}
if (measured.embedded)
  ratios.embedded_p95_vs_target = Math.round((measured.embedded.p95_ms / 100) * 100) / 100;
console.log(
  `BENCH_RESULT ${JSON.stringify({
    name: 'load',
    baseline: {},
    measured,
    ratios,
    targets,
    config: {
      users: USERS,
      duration_s: DURATION_S,
      repetitions: REPEAT,
      think_ms: THINK_MS,
      submit_every_ms: SUBMIT_EVERY_MS,
      log_level: LOG_LEVEL,
      load_generator: 'undici Client per user + ws (loadgen.ts)',
    },
  })}`,
);
