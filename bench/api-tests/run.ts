/**
 * bench/api-tests: real `api` tests submitted over HTTP, end to end. Three processes: the app with its
 * worker (server.ts), a loopback fixture HTTP server the tests call (fixture.ts), and a load process that
 * submits the tests over HTTP (load.ts). Measured from the first submission to the last completion, in
 * tests/min, median of BENCH_API_ROUNDS (3) rounds of BENCH_API_N (3000) tests, in embedded mode (PGlite
 * on disk) and, when Redis answers, services mode (PostgreSQL + BullMQ). Reports the CPU each process took.
 *
 * BENCH_API_SERVER_ARGS (node flags for the server), BENCH_API_MODES (embedded,services), BENCH_API_CONNECTIONS (32 submitting connections),
 * BENCH_API_CONCURRENCY (32, the worker's), BENCH_API_USERS (10 accounts), BENCH_API_TIMEOUT_S (150 per
 * round), BENCH_DATABASE_URL, BENCH_REDIS_URL.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisAnswers } from '../queue/bench-support.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.BENCH_API_N ?? 3000);
const ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 32);
const TIMEOUT_MS = Number(process.env.BENCH_API_TIMEOUT_S ?? 150) * 1000;
const MODES = (process.env.BENCH_API_MODES ?? 'embedded,services').split(',');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const TARGETS = { embedded: 15_000, services: 30_000 } as Record<string, number>;

const serverArgs = (process.env.BENCH_API_SERVER_ARGS ?? '').split(' ').filter(Boolean);

type Message = { type: string } & Record<string, unknown>;

function start(file: string, env: Record<string, string> = {}): ChildProcess {
  return fork(path.join(here, file), [], {
    // BENCH_API_SERVER_ARGS: extra node flags for the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
    execArgv: ['--import', 'tsx', ...(file === 'server.ts' ? serverArgs : [])],
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
}

function next<T extends Message>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      reject(new Error(`no '${type}' from ${child.spawnargs.at(-1)} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const on = (m: Message) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
  });
}

interface Round {
  perMin: number;
  seconds: number;
  completed: number;
  failed: number;
  refused: number;
  /** Mean time a test waited in the queue, and ran (claim to completion). */
  waitMs: number;
  runMs: number;
  /** The server's event-loop delay during the round (ms). */
  loopMs: { p50: number; p99: number; max: number };
  cpu: { server: number; load: number; fixture: number };
}

const cpuOf = async (fixture: ChildProcess) => {
  fixture.send({ type: 'cpu' });
  return next<Message & { cpuUs: number; served: number }>(fixture, 'cpu', 10_000);
};

async function round(
  server: ChildProcess,
  load: ChildProcess,
  fixture: ChildProcess,
  job: object,
): Promise<Round> {
  const fixtureBefore = await cpuOf(fixture);
  server.send({ type: 'expect', n: N });
  const submitted = next<
    Message & { first: number; accepted: number; refused: number; firstRefusal: string; cpuUs: number }
  >(load, 'submitted', TIMEOUT_MS);
  const done = next<
    Message & {
      at: number;
      completed: number;
      failed: number;
      cpuUs: number;
      waitMs: number;
      runMs: number;
      loopMs: Round['loopMs'];
    }
  >(server, 'done', TIMEOUT_MS);
  load.send({ type: 'run', n: N, connections: CONNECTIONS, ...job });
  const s = await submitted;
  if (s.refused) throw new Error(`${s.refused} submissions refused, first: ${s.firstRefusal}`);
  const d = await done;
  const fixtureAfter = await cpuOf(fixture);
  const ms = d.at - s.first;
  return {
    perMin: Math.round((N / ms) * 60_000),
    seconds: Number((ms / 1000).toFixed(1)),
    completed: d.completed,
    failed: d.failed,
    refused: s.refused,
    waitMs: d.waitMs,
    runMs: d.runMs,
    loopMs: d.loopMs,
    cpu: {
      server: Number((d.cpuUs / 1e6).toFixed(1)),
      load: Number((s.cpuUs / 1e6).toFixed(1)),
      fixture: Number(((fixtureAfter.cpuUs - fixtureBefore.cpuUs) / 1e6).toFixed(1)),
    },
  };
}

async function mode(name: string, fixture: ChildProcess, target: string): Promise<Round[]> {
  const server = start('server.ts', { BENCH_API_MODE: name });
  const load = start('load.ts');
  try {
    const [ready] = await Promise.all([
      next<Message & { port: number; tokens: string[] }>(server, 'ready', 120_000),
      next(load, 'ready', 60_000),
    ]);
    const job = { port: ready.port, tokens: ready.tokens, target };
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const x = await round(server, load, fixture, job);
      console.log(
        `${name} round ${r + 1}: ${N} api tests in ${x.seconds} s → ${x.perMin} tests/min (${x.completed} completed, ${x.failed} failed; mean wait ${x.waitMs} ms, run ${x.runMs} ms; server event-loop delay p50 ${x.loopMs.p50.toFixed(0)} / p99 ${x.loopMs.p99.toFixed(0)} / max ${x.loopMs.max.toFixed(0)} ms); CPU s: server ${x.cpu.server}, load ${x.cpu.load}, fixture ${x.cpu.fixture}`,
      );
      rounds.push(x);
    }
    return rounds;
  } finally {
    load.send({ type: 'stop' });
    server.send({ type: 'stop' });
    await new Promise((r) => server.once('exit', r));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const fixture = start('fixture.ts');
const { port: fixturePort } = await next<Message & { port: number }>(fixture, 'ready', 60_000);
const target = `http://127.0.0.1:${fixturePort}/items`;
console.log(
  `bench/api-tests: ${N} api tests per round over HTTP (${CONNECTIONS} connections), median of ${ROUNDS} rounds`,
);
const results: Record<string, { perMin: number; cpu: Round['cpu']; seconds: number } | null> = {
  embedded: null,
  services: null,
};
for (const name of MODES) {
  if (name === 'services' && !(await redisAnswers(REDIS_URL))) {
    console.log(`Redis at ${REDIS_URL} does not answer: services mode skipped`);
    continue;
  }
  const rounds = await mode(name, fixture, target);
  const perMin = median(rounds.map((r) => r.perMin));
  results[name] = {
    perMin,
    seconds: median(rounds.map((r) => r.seconds)),
    cpu: {
      server: median(rounds.map((r) => r.cpu.server)),
      load: median(rounds.map((r) => r.cpu.load)),
      fixture: median(rounds.map((r) => r.cpu.fixture)),
    },
  };
}
fixture.send({ type: 'stop' });

console.log(
  `\n| mode | tests/min (median) | target | CPU s: server / load / fixture (median round) |\n|---|---|---|---|`,
);
for (const [name, r] of Object.entries(results))
  if (r)
    console.log(
      `| ${name} | ${r.perMin} | ≥ ${TARGETS[name]} | ${r.cpu.server} / ${r.cpu.load} / ${r.cpu.fixture} (of ${r.seconds} s) |`,
    );
console.log(
  `BENCH_RESULT ${JSON.stringify({
    name: 'api-tests',
    baseline: null,
    measured: {
      embedded_tests_per_min: results.embedded?.perMin ?? null,
      services_tests_per_min: results.services?.perMin ?? null,
      cpu_seconds: { embedded: results.embedded?.cpu ?? null, services: results.services?.cpu ?? null },
    },
    ratios: {
      embedded_vs_target: results.embedded
        ? Number((results.embedded.perMin / TARGETS.embedded!).toFixed(3))
        : null,
      services_vs_target: results.services
        ? Number((results.services.perMin / TARGETS.services!).toFixed(3))
        : null,
    },
    targets: { embedded_tests_per_min: TARGETS.embedded, services_tests_per_min: TARGETS.services },
    config: {
      n: N,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      concurrency: Number(process.env.BENCH_API_CONCURRENCY ?? 32),
    },
  })}`,
);
process.exit(0);
