/**
 * The list scenario: GET /api/tests for LIST_USERS users × LIST_QUERIES (the history view), against the
 * app with the cache, the app with CACHE_ENABLED=false and a bare Fastify route returning the same JSON.
 * One warm-up window per target, then REPS rounds, each running every target once in turn (so machine
 * load drifting during the run hits every target alike); each figure is the median over the rounds.
 * No test events during the windows: this is the steady state of a history being browsed.
 */
import { load, medians, type Figures } from './load.ts';
import { mulberry32 } from './zipf.ts';
import { LIST_QUERIES } from './workload.ts';

export const LIST_REPS = Math.max(3, Number(process.env.BENCH_CACHE_LIST_REPS ?? 3));
export const LIST_SECONDS = Number(process.env.BENCH_CACHE_LIST_SECONDS ?? 3);
export const LIST_WARMUP = Number(process.env.BENCH_CACHE_LIST_WARMUP ?? 2);

export interface ListTargets {
  bare: { port: number };
  withCache: { port: number; listTokens: string[] };
  withoutCache: { port: number; listTokens: string[] };
}

export interface ListFigures {
  bare_fastify: Figures;
  without_cache: Figures;
  with_cache: Figures;
  /** The response cache's (namespace `api`) hit rate over the cached target's measured windows. */
  hit_rate: number | null;
  runs: { bare_fastify: Figures[]; without_cache: Figures[]; with_cache: Figures[] };
  /** Filled by run.ts: microseconds per list invalidation, by mode (invalidation-cost.ts). */
  invalidation_us?: Record<string, number>;
}

type Stats = () => Promise<{ hits: number; misses: number }>;

/** A request mix: a random user (by token) and one of the queries, the same sequence for every target. */
function mix(tokens: string[], seed: number) {
  const random = mulberry32(seed);
  let token = tokens[0]!;
  return {
    path: () => {
      token = tokens[Math.floor(random() * tokens.length)]!;
      return `/api/tests${LIST_QUERIES[Math.floor(random() * LIST_QUERIES.length)]}`;
    },
    auth: () => token,
  };
}

export async function runListScenario(t: ListTargets, apiStats: Stats): Promise<ListFigures> {
  const targets = {
    bare_fastify: () => load(t.bare.port, LIST_SECONDS, () => '/bare-list'),
    without_cache: (s = LIST_SECONDS, m = mix(t.withoutCache.listTokens, 7)) =>
      load(t.withoutCache.port, s, m.path, m.auth),
    with_cache: (s = LIST_SECONDS, m = mix(t.withCache.listTokens, 7)) =>
      load(t.withCache.port, s, m.path, m.auth),
  };
  await load(t.bare.port, LIST_WARMUP, () => '/bare-list');
  await targets.without_cache(LIST_WARMUP);
  await targets.with_cache(LIST_WARMUP);
  const runs: ListFigures['runs'] = { bare_fastify: [], without_cache: [], with_cache: [] };
  let hits = 0;
  let misses = 0;
  for (let rep = 0; rep < LIST_REPS; rep++) {
    runs.bare_fastify.push(await targets.bare_fastify());
    runs.without_cache.push(await targets.without_cache());
    const before = await apiStats();
    runs.with_cache.push(await targets.with_cache());
    const after = await apiStats();
    hits += after.hits - before.hits;
    misses += after.misses - before.misses;
  }
  return {
    bare_fastify: medians(runs.bare_fastify),
    without_cache: medians(runs.without_cache),
    with_cache: medians(runs.with_cache),
    hit_rate: hits + misses ? Math.round((hits / (hits + misses)) * 10_000) / 10_000 : null,
    runs,
  };
}
