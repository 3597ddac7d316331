/**
 * bench/browser-engines: the lighthouse and accessibility engines.
 *
 * - Cost against a baseline in the same run: each engine's wall time through the product's runner (pool,
 *   guard proxy, result mapping, artifacts) as a ratio of Lighthouse / axe-core driven directly on the same
 *   page with the same Chromium (baseline.ts). Medians of REPS runs, one after the other.
 * - Accuracy, variability, peak memory and two concurrent runs: each engine's own bench file.
 */
import { createBrowserPool } from '../../src/engines/browser/index.ts';
import { findChromium } from '../../src/engines/browser/chromium-finder.ts';
import { createEngineRegistry, createEngineRunner, ENGINES } from '../../src/engines/index.ts';
import { benchAccessibility } from './accessibility.ts';
import { rawAxe, rawLighthouse, startPageServer } from './baseline.ts';
import { benchLighthouse } from './lighthouse.ts';

const REPS = 3;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const server = await startPageServer();
const pool = createBrowserPool({ allowPrivateTargets: true, concurrency: 2, refusedHosts: ['*'] });
const availability = pool.availability();
if (!availability.available) {
  console.log(`skipped: ${availability.reason}`);
  console.log(`BENCH_RESULT ${JSON.stringify({ name: 'browser-engines', skipped: availability.reason })}`);
  process.exit(0);
}
const found = findChromium(process.env.CHROMIUM_PATH);
const chromium = found.available ? found.path : '/usr/bin/chromium';
const registry = createEngineRegistry(ENGINES, {}, { browser: pool });
const runner = createEngineRunner({ registry, allowPrivateTargets: true, log: quiet, browser: pool });

async function engineMs(type: string, options: Record<string, unknown>): Promise<number> {
  const started = performance.now();
  await runner.run({
    type,
    url: server.url,
    options,
    signal: new AbortController().signal,
    progress: () => {},
  });
  return performance.now() - started;
}

const lh = { engine: [] as number[], raw: [] as number[] };
const axe = { engine: [] as number[], raw: [] as number[] };
const lhOptions = { categories: ['performance'], formFactor: 'desktop', throttling: 'none' };
for (let i = 0; i < REPS; i++) {
  lh.raw.push(await rawLighthouse(server.url, chromium));
  lh.engine.push(await engineMs('lighthouse', lhOptions));
  axe.raw.push(await rawAxe(server.url, chromium));
  axe.engine.push(await engineMs('accessibility', { standard: 'wcag2aa' }));
}
await runner.close();
await pool.close();
await server.close();
const cost = {
  lighthouse_run_ms_p50: median(lh.engine),
  raw_lighthouse_run_ms_p50: median(lh.raw),
  accessibility_run_ms_p50: median(axe.engine),
  raw_axe_run_ms_p50: median(axe.raw),
};
console.log(
  `lighthouse engine p50 ${cost.lighthouse_run_ms_p50.toFixed(0)} ms vs raw Lighthouse ${cost.raw_lighthouse_run_ms_p50.toFixed(0)} ms; ` +
    `accessibility engine p50 ${cost.accessibility_run_ms_p50.toFixed(0)} ms vs raw axe ${cost.raw_axe_run_ms_p50.toFixed(0)} ms (${REPS} runs each)`,
);

const lighthouse = await benchLighthouse();
const accessibility = await benchAccessibility();
for (const line of [...lighthouse.report, ...accessibility.report]) console.log(line);

const result = {
  name: 'browser-engines',
  baseline: {
    raw_lighthouse_run_ms_p50: cost.raw_lighthouse_run_ms_p50,
    raw_axe_run_ms_p50: cost.raw_axe_run_ms_p50,
  },
  measured: {
    lighthouse_run_ms_p50: cost.lighthouse_run_ms_p50,
    accessibility_run_ms_p50: cost.accessibility_run_ms_p50,
    ...prefixed('lighthouse', lighthouse.measured),
    ...prefixed('accessibility', accessibility.measured),
  },
  ratios: {
    lighthouse_vs_raw: cost.lighthouse_run_ms_p50 / cost.raw_lighthouse_run_ms_p50,
    accessibility_vs_raw: cost.accessibility_run_ms_p50 / cost.raw_axe_run_ms_p50,
  },
  targets: {
    ...prefixed('lighthouse', lighthouse.targets),
    ...prefixed('accessibility', accessibility.targets),
  },
};
console.log(`BENCH_RESULT ${JSON.stringify(result)}`);

function prefixed<T>(prefix: string, o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k.startsWith(prefix) ? k : `${prefix}_${k}`, v]),
  );
}
