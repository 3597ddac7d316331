/**
 * bench/http-pipeline: what the request pipeline itself costs. The real app (server.ts, its own process)
 * answers an authenticated no-op route (`GET /api/bench/noop`, added by the bench: JWT verify, revocation
 * check and every global hook, a handler returning a constant object) and `GET /api/auth/me` (the
 * cheapest authenticated product route, one user row read); a bare Fastify (its own process) answers
 * `GET /bare` with the same JSON. autocannon here loads each for BENCH_PIPELINE_ROUNDS rounds (3) of
 * BENCH_PIPELINE_SECONDS (5) at BENCH_PIPELINE_CONNECTIONS (100), one target at a time, the order rotating
 * from round to round, after a warm-up of each (BENCH_PIPELINE_WARMUP, 5 s: the JIT is still settling after 3 s). Figures are medians.
 *
 * Two ratios per route: requests/s against the bare route (the issue's target, >= 0.6) and the bare
 * route's server CPU per request against the route's; on a shared machine the second holds still while
 * the first swings with whatever else runs (a CPU-bound server's requests/s is its CPU per request's inverse).
 * `npm run bench http-pipeline`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_PIPELINE_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_PIPELINE_SECONDS ?? 5);
const WARMUP = Number(process.env.BENCH_PIPELINE_WARMUP ?? 5);
const CONNECTIONS = Number(process.env.BENCH_PIPELINE_CONNECTIONS ?? 100);

interface Server {
  child: ChildProcess;
  port: number;
  token: string;
}
interface Target {
  name: 'bare' | 'noop' | 'me';
  server: Server;
  path: string;
  auth: boolean;
}
interface Figures {
  rps: number;
  /** Server CPU time (user + system) per request answered, µs. */
  cpu_us_per_request: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  non_2xx: number;
  errors: number;
}

function start(variant: 'app' | 'bare'): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      path.join(here, 'server.ts'),
    ],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, BENCH_PIPELINE_VARIANT: variant },
    },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${variant} server not ready within 120 s`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${variant} server exited (${code})`)));
    child.on('message', (m: { type: string; port: number; token: string }) => {
      if (m.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ child, port: m.port, token: m.token });
    });
  });
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string; micros: number }) => {
      if (m.type !== 'cpu') return;
      child.off('message', onMessage);
      resolve(m.micros);
    };
    child.on('message', onMessage);
    child.send({ type: 'cpu' });
  });
}

async function load(target: Target, seconds: number): Promise<Figures> {
  const cpuBefore = await cpuOf(target.server.child);
  const result = await autocannon({
    url: `http://127.0.0.1:${target.server.port}${target.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: target.auth ? { authorization: `Bearer ${target.server.token}` } : {},
  });
  const cpu = (await cpuOf(target.server.child)) - cpuBefore;
  const latency = (result as unknown as { latency: { p50: number; p97_5: number; p99: number } }).latency;
  return {
    rps: Math.round(result.requests.total / seconds),
    cpu_us_per_request: Math.round((cpu / Math.max(1, result.requests.total)) * 10) / 10,
    p50_ms: latency.p50,
    // autocannon's histogram reports p97.5, not p95; named for what it is below.
    p95_ms: latency.p97_5,
    p99_ms: latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const KEYS = ['rps', 'cpu_us_per_request', 'p50_ms', 'p95_ms', 'p99_ms', 'non_2xx', 'errors'] as const;
const medians = (runs: Figures[]): Figures =>
  Object.fromEntries(KEYS.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as Figures;
const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

async function main(): Promise<void> {
  const started = Date.now();
  const app = await start('app');
  const bare = await start('bare');
  try {
    const targets: Target[] = [
      { name: 'bare', server: bare, path: '/bare', auth: false },
      { name: 'noop', server: app, path: '/api/bench/noop', auth: true },
      { name: 'me', server: app, path: '/api/auth/me', auth: true },
    ];
    for (const t of targets) await load(t, WARMUP);
    const runs: Record<Target['name'], Figures[]> = { bare: [], noop: [], me: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Rotating the order, so a drift of the machine does not favour one target.
      const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
      for (const t of order) runs[t.name].push(await load(t, SECONDS));
      console.log(
        `round ${round + 1}: ${targets.map((t) => `${t.name} ${runs[t.name].at(-1)!.rps} req/s ${runs[t.name].at(-1)!.cpu_us_per_request} µs CPU/req`).join('; ')}`,
      );
    }
    const m = { bare: medians(runs.bare), noop: medians(runs.noop), me: medians(runs.me) };
    const ratios = {
      rps_noop_vs_bare: ratio(m.noop.rps, m.bare.rps),
      cpu_per_request_bare_vs_noop: ratio(m.bare.cpu_us_per_request, m.noop.cpu_us_per_request),
      rps_me_vs_bare: ratio(m.me.rps, m.bare.rps),
      cpu_per_request_bare_vs_me: ratio(m.bare.cpu_us_per_request, m.me.cpu_us_per_request),
    };
    console.log(
      `\n${CONNECTIONS} connections, medians of ${ROUNDS} rounds of ${SECONDS} s (p95_ms is autocannon's p97.5)`,
    );
    console.table({
      bare_fastify: m.bare,
      authenticated_noop: m.noop,
      auth_me: m.me,
    });
    console.log(
      `ratios: ${JSON.stringify(ratios)}; wall time ${Math.round((Date.now() - started) / 1000)} s`,
    );
    const result = {
      name: 'http-pipeline',
      baseline: { bare_fastify: m.bare },
      measured: {
        authenticated_noop: m.noop,
        auth_me: m.me,
        rounds: Object.fromEntries(
          Object.entries(runs).map(([k, rs]) => [k, rs.map((r) => [r.rps, r.cpu_us_per_request])]),
        ),
      },
      ratios,
      targets: { rps_noop_vs_bare: '>= 0.6' },
      config: {
        connections: CONNECTIONS,
        rounds: ROUNDS,
        seconds: SECONDS,
        warmup_s: WARMUP,
        database: 'pglite (memory)',
        noop_route:
          'GET /api/bench/noop, added by the bench after buildApp (root context, every global hook)',
      },
    };
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
  } finally {
    for (const { child } of [app, bare]) {
      child.send({ type: 'close' });
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }
  }
}

await main();
