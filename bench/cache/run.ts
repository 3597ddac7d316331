/**
 * bench/cache, two scenarios in one run, the server in its own process, autocannon here, each against the
 * app with the cache, the app with CACHE_ENABLED=false and (the baseline) a bare Fastify route returning
 * the same JSON:
 *
 * - result: GET /api/tests/:id/result under a Zipf workload (10,000 keys, s = 1.0) at 100 connections.
 *   Each target gets a warm-up (BENCH_CACHE_WARMUP s, default 10) then a measured window
 *   (BENCH_CACHE_SECONDS, default 10); the hit rate is reported for both windows (the warm-up is the cold
 *   start). BENCH_CACHE_EXTRA_WARMUP adds warm-up seconds to the cached target only (steady state).
 *   Between its warm-up and its measured window the cached target is primed (BENCH_CACHE_PRIME=1, the
 *   default): every key read once, in order. The measured window is then the steady state of a server up
 *   longer than it takes to read each result once (the L1 holds all 10,000: CACHE_L1_MAX_ITEMS); without
 *   it, Zipf s = 1 over 10,000 keys needs ~60,000 requests before 95 % of the requests fall on keys already
 *   read (the missing mass after N requests is about ln(10,000 × 9.79 / N) / 9.79), which a 10 s warm-up
 *   on this machine does not reach. The warm-up window's hit rate still reports the cold start.
 * - list: GET /api/tests for 10 users × 3 queries at 100 connections, medians of 3 rounds (list-scenario.ts),
 *   then the cost of one list invalidation, in memory and (BENCH_REDIS_URL / TESTWEB_TEST_REDIS_URL) over Redis.
 *
 * BENCH_CACHE_SCENARIOS=result,list (default both). Database: PGlite in memory, or PostgreSQL when
 * BENCH_DATABASE_URL / TESTWEB_TEST_DATABASE_URL is set. `npm run bench cache` runs only this benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LIST_REPS,
  LIST_SECONDS,
  LIST_WARMUP,
  runListScenario,
  type ListFigures,
  type ListTargets,
} from './list-scenario.ts';
import { measureInvalidationCost } from './invalidation-cost.ts';
import { CONNECTIONS, load, type Figures } from './load.ts';
import { zipfSampler } from './zipf.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_CACHE_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_CACHE_WARMUP ?? 10);
/** Extra warm-up for the cached target only, to observe the steady state on a slow or busy machine. */
const EXTRA_CACHE_WARMUP = Number(process.env.BENCH_CACHE_EXTRA_WARMUP ?? 0);
const KEYS = Number(process.env.BENCH_CACHE_KEYS ?? 10_000);
const ZIPF_S = 1.0;
const SEED = 20_261_128;
const SCENARIOS = (process.env.BENCH_CACHE_SCENARIOS ?? 'result,list').split(',');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.TESTWEB_TEST_REDIS_URL;
const PRIME = process.env.BENCH_CACHE_PRIME !== '0';

interface Target {
  port: number;
  token?: string;
  ids?: string[];
  listTokens?: string[];
}
interface Ready {
  type: 'ready';
  database: string;
  bare: Target;
  withCache: Target;
  withoutCache: Target;
}
type NsStats = { hits: number; misses: number };

function reply<T>(child: ChildProcess, type: string, send?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} from the server within 300 s`)), 300_000);
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

function resultPaths(target: Target): () => string {
  const next = zipfSampler(KEYS, ZIPF_S, SEED);
  return () => `/api/tests/${target.ids![next()]}/result`;
}

/** One read of every key, in order, at CONNECTIONS connections; how long it took. */
async function prime(target: Target): Promise<{ seconds: number; requests: number }> {
  const started = Date.now();
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${target.port}`,
    connections: CONNECTIONS,
    amount: KEYS,
    requests: [
      {
        method: 'GET',
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          path: `/api/tests/${target.ids![i++ % KEYS]}/result`,
          headers: { ...(req.headers as object), authorization: `Bearer ${target.token}` },
        }),
      },
    ],
  });
  return { seconds: Math.round((Date.now() - started) / 100) / 10, requests: result.requests.total };
}

async function cacheStats(server: ChildProcess, namespace = 'test:result'): Promise<NsStats> {
  const { stats } = await reply<{ stats: { namespaces: Record<string, NsStats> } }>(server, 'stats', {
    type: 'stats',
  });
  return stats.namespaces[namespace] ?? { hits: 0, misses: 0 };
}

const rate = (a: NsStats, b: NsStats) => {
  const hits = b.hits - a.hits;
  const misses = b.misses - a.misses;
  return hits + misses ? Math.round((hits / (hits + misses)) * 10_000) / 10_000 : null;
};

interface ResultFigures {
  bare_fastify: Figures;
  without_cache: Figures;
  with_cache: Figures;
  hit_rate: { warmup: number | null; measured: number | null };
  primed: { seconds: number; requests: number } | null;
}

async function resultScenario(server: ChildProcess, ready: Ready): Promise<ResultFigures> {
  const targetLoad = (t: Target, seconds: number, paths: () => string) =>
    load(t.port, seconds, paths, () => t.token!);
  await load(ready.bare.port, WARMUP, () => '/bare');
  const bare = await load(ready.bare.port, SECONDS, () => '/bare');

  const noCachePaths = resultPaths(ready.withoutCache);
  await targetLoad(ready.withoutCache, WARMUP, noCachePaths);
  const withoutCache = await targetLoad(ready.withoutCache, SECONDS, noCachePaths);

  const cachePaths = resultPaths(ready.withCache);
  const s0 = await cacheStats(server);
  await targetLoad(ready.withCache, WARMUP + EXTRA_CACHE_WARMUP, cachePaths);
  const s1 = await cacheStats(server);
  const primed = PRIME ? await prime(ready.withCache) : null;
  if (primed) console.log(`primed: ${primed.requests} reads (every key once) in ${primed.seconds} s`);
  const s1p = await cacheStats(server);
  const withCache = await targetLoad(ready.withCache, SECONDS, cachePaths);
  const s2 = await cacheStats(server);
  console.log(
    `\nresult: GET /api/tests/:id/result, ${KEYS} keys Zipf s=${ZIPF_S}, warm-up ${WARMUP} s + ${SECONDS} s per target`,
  );
  console.table({ bare_fastify: bare, without_cache: withoutCache, with_cache: withCache });
  const hitRate = { warmup: rate(s0, s1), measured: rate(s1p, s2) };
  console.log(
    `hit rate (test:result): warm-up (cold start) ${hitRate.warmup}, measured window ${hitRate.measured}`,
  );
  return {
    bare_fastify: bare,
    without_cache: withoutCache,
    with_cache: withCache,
    hit_rate: hitRate,
    primed,
  };
}

async function listScenario(server: ChildProcess, ready: Ready): Promise<ListFigures> {
  const figures = await runListScenario(ready as unknown as ListTargets, () => cacheStats(server, 'api'));
  figures.invalidation_us = await measureInvalidationCost(REDIS_URL);
  console.log(
    `\nlist: GET /api/tests, ${ready.withCache.listTokens!.length} users × 3 queries, medians of ${LIST_REPS} rounds of ${LIST_SECONDS} s (warm-up ${LIST_WARMUP} s per target)`,
  );
  console.table({
    bare_fastify: figures.bare_fastify,
    without_cache: figures.without_cache,
    with_cache: figures.with_cache,
  });
  console.log(`one list invalidation (2 tags), µs: ${JSON.stringify(figures.invalidation_us)}`);
  console.log(
    `hit rate (api): ${figures.hit_rate}; rps per round: bare ${figures.runs.bare_fastify.map((r) => r.rps).join('/')}, without cache ${figures.runs.without_cache.map((r) => r.rps).join('/')}, with cache ${figures.runs.with_cache.map((r) => r.rps).join('/')}`,
  );
  return figures;
}

const ratio = (a: number, b: number, digits = 1000) => Math.round((a / b) * digits) / digits;

async function main(): Promise<void> {
  const started = Date.now();
  // BENCH_NODE_ARGS: extra flags for the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const server = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, path.join(here, 'server.ts')], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_CACHE_KEYS: String(KEYS) },
  });
  try {
    const ready = await reply<Ready>(server, 'ready');
    console.log(
      `server ready (${ready.database}, ${KEYS} results per app) in ${Math.round((Date.now() - started) / 1000)} s; ${CONNECTIONS} connections; scenarios ${SCENARIOS.join(', ')}`,
    );
    const result = SCENARIOS.includes('result') ? await resultScenario(server, ready) : undefined;
    const list = SCENARIOS.includes('list') ? await listScenario(server, ready) : undefined;
    const ratios = {
      ...(result && {
        p95_cache_vs_nocache: ratio(result.with_cache.p95_ms, result.without_cache.p95_ms),
        rps_cache_vs_bare: ratio(result.with_cache.rps, result.bare_fastify.rps),
        rps_cache_vs_nocache: ratio(result.with_cache.rps, result.without_cache.rps, 100),
      }),
      ...(list && {
        list_p95_cache_vs_nocache: ratio(list.with_cache.p95_ms, list.without_cache.p95_ms),
        list_rps_cache_vs_bare: ratio(list.with_cache.rps, list.bare_fastify.rps),
        list_rps_cache_vs_nocache: ratio(list.with_cache.rps, list.without_cache.rps, 100),
      }),
    };
    console.log(
      `ratios: ${JSON.stringify(ratios)}; wall time ${Math.round((Date.now() - started) / 1000)} s`,
    );
    const targets = {
      hit_rate_measured: '>= 0.95',
      p95_cache_vs_nocache: '<= 0.5',
      rps_cache_vs_bare: '>= 0.4',
    };
    const config = {
      database: ready.database,
      keys: KEYS,
      zipf_s: ZIPF_S,
      connections: CONNECTIONS,
      warmup_s: WARMUP,
      extra_cache_warmup_s: EXTRA_CACHE_WARMUP,
      primed: PRIME,
      seconds: SECONDS,
      scenarios: SCENARIOS,
      list: { reps: LIST_REPS, seconds: LIST_SECONDS, warmup_s: LIST_WARMUP },
    };
    const baseline = {
      ...(result && { bare_fastify: result.bare_fastify }),
      ...(list && { list_bare_fastify: list.bare_fastify }),
    };
    const measured = {
      ...(result && {
        with_cache: result.with_cache,
        without_cache: result.without_cache,
        hit_rate: result.hit_rate,
        primed: result.primed,
      }),
      ...(list && {
        list: {
          with_cache: list.with_cache,
          without_cache: list.without_cache,
          hit_rate: list.hit_rate,
          invalidation_us: list.invalidation_us,
        },
      }),
    };
    console.log(
      `BENCH_RESULT ${JSON.stringify({ name: 'cache', baseline, measured, ratios, targets, config })}`,
    );
    await reply(server, 'closed', { type: 'close' });
    // Its own exit, not SIGTERM, once it said closed: a --cpu-prof profile is written on exit.
    if (server.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 15_000).unref() && server.once('exit', resolve));
  } finally {
    if (server.exitCode === null) server.kill('SIGTERM');
  }
}

await main();
