/**
 * bench/cache: GET /api/tests/:id/result under a Zipf workload (10,000 keys, s = 1.0) at 100 connections,
 * against the app with the cache, the app with CACHE_ENABLED=false, and (the baseline) a bare Fastify
 * route returning the same JSON — all in one run, the server in its own process, autocannon here.
 * Each target gets a warm-up (BENCH_CACHE_WARMUP s, default 10) then a measured window (BENCH_CACHE_SECONDS,
 * default 10); the hit rate is reported for both windows (the warm-up is the cold start).
 * BENCH_CACHE_EXTRA_WARMUP adds warm-up seconds to the cached target only (steady state on a busy machine).
 * Database: PGlite in memory, or PostgreSQL when BENCH_DATABASE_URL / TESTWEB_TEST_DATABASE_URL is set.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import { zipfSampler } from './zipf.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_CACHE_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_CACHE_WARMUP ?? 10);
/** Extra warm-up for the cached target only, to observe the steady state on a slow or busy machine. */
const EXTRA_CACHE_WARMUP = Number(process.env.BENCH_CACHE_EXTRA_WARMUP ?? 0);
const CONNECTIONS = 100;
const KEYS = Number(process.env.BENCH_CACHE_KEYS ?? 10_000);
const ZIPF_S = 1.0;
const SEED = 20_261_128;

interface Target {
  port: number;
  token?: string;
  ids?: string[];
}
interface Ready {
  type: 'ready';
  database: string;
  bare: Target;
  withCache: Target;
  withoutCache: Target;
}
interface Figures {
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  requests: number;
  non_2xx: number;
  errors: number;
}
type NsStats = { hits: number; misses: number };

function reply<T>(child: ChildProcess, type: string, send?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} from the server within 300 s`)), 300_000);
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
    if (send) child.send(send);
  });
}

async function load(target: Target, seconds: number, pathFor: () => string): Promise<Figures> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
  const instance = autocannon({
    url: `http://127.0.0.1:${target.port}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
    requests: [{ method: 'GET', setupRequest: (req: Record<string, unknown>) => ({ ...req, path: pathFor() }) }],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => histogram.recordValue(Math.max(1, Math.round(ms * 1000))));
  const result = await instance;
  const us = (p: number) => Math.round(histogram.getValueAtPercentile(p) / 10) / 100;
  return { rps: Math.round(result.requests.total / seconds), p50_ms: us(50), p95_ms: us(95), p99_ms: us(99), requests: result.requests.total, non_2xx: result.non2xx, errors: result.errors + result.timeouts };
}

function resultPaths(target: Target): () => string {
  const next = zipfSampler(KEYS, ZIPF_S, SEED);
  return () => `/api/tests/${target.ids![next()]}/result`;
}

async function cacheStats(server: ChildProcess): Promise<NsStats> {
  const { stats } = await reply<{ stats: { namespaces: Record<string, NsStats> } }>(server, 'stats', { type: 'stats' });
  return stats.namespaces['test:result']!;
}

const rate = (a: NsStats, b: NsStats) => {
  const hits = b.hits - a.hits;
  const misses = b.misses - a.misses;
  return hits + misses ? Math.round((hits / (hits + misses)) * 10_000) / 10_000 : null;
};

async function main(): Promise<void> {
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'server.ts')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, BENCH_CACHE_KEYS: String(KEYS) } });
  try {
    const ready = await reply<Ready>(server, 'ready');
    console.log(`server ready (${ready.database}, ${KEYS} results per app); ${CONNECTIONS} connections, warm-up ${WARMUP} s + ${SECONDS} s per target, Zipf s=${ZIPF_S}`);

    const bareTarget = ready.bare;
    await load(bareTarget, WARMUP, () => '/bare');
    const bare = await load(bareTarget, SECONDS, () => '/bare');

    const noCachePaths = resultPaths(ready.withoutCache);
    await load(ready.withoutCache, WARMUP, noCachePaths);
    const withoutCache = await load(ready.withoutCache, SECONDS, noCachePaths);

    const cachePaths = resultPaths(ready.withCache);
    const s0 = await cacheStats(server);
    await load(ready.withCache, WARMUP + EXTRA_CACHE_WARMUP, cachePaths);
    const s1 = await cacheStats(server);
    const withCache = await load(ready.withCache, SECONDS, cachePaths);
    const s2 = await cacheStats(server);

    const hitRate = { warmup: rate(s0, s1), measured: rate(s1, s2) };
    const ratios = {
      p95_cache_vs_nocache: Math.round((withCache.p95_ms / withoutCache.p95_ms) * 1000) / 1000,
      rps_cache_vs_bare: Math.round((withCache.rps / bare.rps) * 1000) / 1000,
      rps_cache_vs_nocache: Math.round((withCache.rps / withoutCache.rps) * 100) / 100,
    };
    console.table({ bare_fastify: bare, without_cache: withoutCache, with_cache: withCache });
    console.log(`hit rate (test:result): warm-up (cold start) ${hitRate.warmup}, measured window ${hitRate.measured}`);
    console.log(`ratios: ${JSON.stringify(ratios)}`);
    const targets = { hit_rate_measured: '>= 0.95', p95_cache_vs_nocache: '<= 0.5', rps_cache_vs_bare: '>= 0.4' };
    const config = { database: ready.database, keys: KEYS, zipf_s: ZIPF_S, connections: CONNECTIONS, warmup_s: WARMUP, extra_cache_warmup_s: EXTRA_CACHE_WARMUP, seconds: SECONDS };
    console.log(`BENCH_RESULT ${JSON.stringify({ name: 'cache', baseline: { bare_fastify: bare }, measured: { with_cache: withCache, without_cache: withoutCache, hit_rate: hitRate }, ratios, targets, config })}`);
    await reply(server, 'closed', { type: 'close' });
  } finally {
    if (server.exitCode === null) server.kill('SIGTERM');
  }
}

await main();
