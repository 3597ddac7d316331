/**
 * The lighthouse engine's benchmark, called by bench/browser-engines/run.ts, on the fixture pages of known
 * Web Vitals (test/engines/lighthouse-fixtures.ts) through the product's registry, runner and pool:
 * - accuracy: LCP, CLS and TBT measured (desktop, no throttling, observed) against the values the pages
 *   are built to have;
 * - variability: one test of BENCH_LH_RUNS runs (default 5) with Lighthouse's default simulated mobile
 *   throttling: the spread of the performance score over the runs and the median run chosen;
 * - cost: wall time per run (Chromium start included) and the peak memory of Chromium's process tree;
 * - two tests at once on BROWSER_CONCURRENCY 2, both of which must succeed.
 */
import { createBrowserPool } from '../../src/engines/browser/index.ts';
import {
  createEngineRegistry,
  createEngineRunner,
  ENGINES,
  type EngineResult,
} from '../../src/engines/index.ts';
import {
  EXPECTED_TBT_MS,
  LCP_DELAY_MS,
  TBT_TOLERANCE,
  expectedCls,
  startLighthouseFixture,
} from '../../test/engines/lighthouse-fixtures.ts';

const RUNS = Number(process.env.BENCH_LH_RUNS ?? 5);
const OBSERVED = { categories: ['performance'], formFactor: 'desktop', throttling: 'none' };
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const mib = (bytes: number | undefined) => `${((bytes ?? 0) / 1024 / 1024).toFixed(0)} MiB`;

interface RunLine {
  performance_score?: number;
  fcp_ms?: number;
  tti_ms?: number;
  wallMs: number;
}

export async function benchLighthouse(): Promise<{
  report: string[];
  measured: Record<string, number>;
  targets: Record<string, string>;
}> {
  const fx = await startLighthouseFixture();
  const pool = createBrowserPool({ allowPrivateTargets: true, concurrency: 2, refusedHosts: ['*'] });
  const availability = pool.availability();
  if (!availability.available) {
    await fx.close();
    return { report: [`lighthouse: skipped (${availability.reason})`], measured: {}, targets: {} };
  }
  const registry = createEngineRegistry(ENGINES, {}, { browser: pool });
  const runner = createEngineRunner({ registry, allowPrivateTargets: true, log: silent, browser: pool });
  const run = async (path: string, options: object): Promise<EngineResult> =>
    runner.run({
      type: 'lighthouse',
      url: `${fx.url}${path}`,
      options,
      signal: new AbortController().signal,
      progress: () => undefined,
    });
  try {
    const lcp = await run('/lcp', OBSERVED);
    const cls = await run('/cls', OBSERVED);
    const tbt = await run('/tbt', OBSERVED);
    const varied = await run('/tbt', { categories: ['performance'], runs: RUNS });
    const started = performance.now();
    const both = await Promise.allSettled([run('/lcp', OBSERVED), run('/cls', OBSERVED)]);
    const concurrentMs = performance.now() - started;
    const lines = (varied.details.runs as RunLine[]).map(
      (r, i) => `#${i} score ${r.performance_score} FCP ${r.fcp_ms} TTI ${r.tti_ms} (${r.wallMs} ms)`,
    );
    const costs = [lcp, cls, tbt].map((r) => r.metrics);
    const measured: Record<string, number> = {
      lcp_ms: lcp.metrics.lcp_ms!,
      lcp_error_ms: lcp.metrics.lcp_ms! - LCP_DELAY_MS,
      cls: cls.metrics.cls!,
      cls_error: cls.metrics.cls! - expectedCls(),
      tbt_ms: tbt.metrics.tbt_ms!,
      tbt_error_ms: tbt.metrics.tbt_ms! - EXPECTED_TBT_MS,
      simulated_runs: RUNS,
      simulated_score_median_run: varied.metrics.performance_score!,
      simulated_score_spread: varied.metrics.performance_score_spread!,
      simulated_run_wall_ms: varied.metrics.run_wall_ms!,
      observed_run_wall_ms: Math.round(costs.reduce((n, m) => n + m.run_wall_ms!, 0) / costs.length),
      browser_peak_memory_bytes: Math.max(...costs.map((m) => m.browser_peak_memory_bytes ?? 0)),
      concurrent_failures: both.filter((b) => b.status === 'rejected').length,
      concurrent_wall_ms: Math.round(concurrentMs),
    };
    const failures = both.flatMap((b) => (b.status === 'rejected' ? [String(b.reason)] : []));
    return {
      report: [
        `lighthouse accuracy: LCP ${measured.lcp_ms} ms (built ${LCP_DELAY_MS}), CLS ${measured.cls!.toFixed(4)} (built ${expectedCls().toFixed(4)}), TBT ${measured.tbt_ms} ms (built ${EXPECTED_TBT_MS})`,
        `lighthouse variability: ${RUNS} simulated mobile runs of /tbt, median run #${String(varied.details.medianRun)} score ${measured.simulated_score_median_run}, spread ${measured.simulated_score_spread} points; ${lines.join('; ')}`,
        `lighthouse cost: ${measured.observed_run_wall_ms} ms per observed run (Chromium start included), ${measured.simulated_run_wall_ms} ms per simulated run; Chromium peak ${mib(measured.browser_peak_memory_bytes)}`,
        `lighthouse concurrency: 2 tests at once in ${measured.concurrent_wall_ms} ms, ${measured.concurrent_failures} failed${failures.length ? `: ${failures.join('; ')}` : ''}`,
      ],
      measured,
      targets: {
        lcp_error_ms: `|error| ≤ ${Math.max(0.15 * LCP_DELAY_MS, 100)}`,
        cls_error: '|error| ≤ 0.02',
        tbt_error_ms: `-${TBT_TOLERANCE.below} ≤ error ≤ ${TBT_TOLERANCE.above}`,
        concurrent_failures: '0',
      },
    };
  } finally {
    await runner.close();
    await pool.close();
    await fx.close();
  }
}
