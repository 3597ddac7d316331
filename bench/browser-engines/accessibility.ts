/**
 * The accessibility engine's benchmark, called by bench/browser-engines/run.ts: accuracy on the page of
 * known violations (test/engines/accessibility-fixtures.ts), cost per run (wall time, peak Chromium
 * memory) through the product's registry, runner and pool, and two runs at once (BROWSER_CONCURRENCY 2).
 */
import { accessibilityEngine } from '../../src/engines/accessibility/accessibility.engine.ts';
import { createBrowserPool } from '../../src/engines/browser/index.ts';
import {
  createEngineRegistry,
  createEngineRunner,
  type EngineResult,
  type TestEngine,
} from '../../src/engines/index.ts';
import { KNOWN, startA11yFixture } from '../../test/engines/accessibility-fixtures.ts';

const RUNS = Number(process.env.BENCH_A11Y_RUNS ?? 5);
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined };

interface Group {
  id: string;
  impact: string;
  nodes: Array<{ target: string }>;
}

function accuracy(result: EngineResult) {
  const groups = result.details.violations as Group[];
  const found = KNOWN.filter((k) =>
    groups.some((g) => g.id === k.id && g.nodes.some((n) => n.target === k.target)),
  );
  const expected = new Set<string>(KNOWN.map((k) => k.id));
  const falseSerious = groups.filter(
    (g) => (g.impact === 'serious' || g.impact === 'critical') && !expected.has(g.id),
  );
  return { found: found.length, falseSerious: falseSerious.map((g) => g.id) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

export async function benchAccessibility(): Promise<{
  report: string[];
  measured: Record<string, number>;
  targets: Record<string, string>;
}> {
  const fx = await startA11yFixture();
  const pool = createBrowserPool({ allowPrivateTargets: true, concurrency: 2, refusedHosts: ['*'] });
  const registry = createEngineRegistry(
    [accessibilityEngine as unknown as TestEngine],
    {},
    { browser: pool },
  );
  const runner = createEngineRunner({ registry, allowPrivateTargets: true, log: silent, browser: pool });
  const run = async (path: string, options: Record<string, unknown> = {}) => {
    const started = performance.now();
    const result = await runner.run({
      type: 'accessibility',
      url: `${fx.url}${path}`,
      options,
      signal: new AbortController().signal,
      progress: () => undefined,
    });
    return { result, ms: performance.now() - started };
  };
  try {
    const availability = pool.availability();
    if (!availability.available) throw new Error(`no Chromium: ${availability.reason}`);
    const known = await run('/violations', { standard: 'best-practice' });
    const acc = accuracy(known.result);
    const walls: number[] = [];
    const peaks: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { result, ms } = await run('/accessible');
      walls.push(ms);
      peaks.push(result.metrics.browser_peak_memory_bytes ?? 0);
    }
    const pairStarted = performance.now();
    const pair = await Promise.allSettled([run('/violations'), run('/violations')]);
    const pairMs = performance.now() - pairStarted;
    const pairFailures = pair.filter((p) => p.status === 'rejected').length;
    const measured = {
      a11y_known_found: acc.found,
      a11y_known_expected: KNOWN.length,
      a11y_false_serious: acc.falseSerious.length,
      a11y_wall_ms_p50: Math.round(median(walls)),
      a11y_wall_ms_max: Math.round(Math.max(...walls)),
      a11y_peak_memory_bytes_max: Math.max(...peaks),
      a11y_concurrent_failures: pairFailures,
      a11y_concurrent_pair_ms: Math.round(pairMs),
    };
    const report = [
      `accessibility: known violations found ${acc.found}/${KNOWN.length}, false serious/critical ${acc.falseSerious.length}${acc.falseSerious.length ? ` (${acc.falseSerious.join(', ')})` : ''}`,
      `accessibility: ${RUNS} sequential runs on an accessible page: wall p50 ${measured.a11y_wall_ms_p50} ms, max ${measured.a11y_wall_ms_max} ms (fresh Chromium, load, network idle ≥ 500 ms, audit, screenshot)`,
      `accessibility: peak Chromium memory (process tree RSS, the pool's measure) max ${mib(measured.a11y_peak_memory_bytes_max)}`,
      `accessibility: 2 runs at once: ${2 - pairFailures}/2 succeeded in ${measured.a11y_concurrent_pair_ms} ms together${pairFailures ? `; ${pair.flatMap((p) => (p.status === 'rejected' ? [String(p.reason)] : [])).join('; ')}` : ''}`,
    ];
    const targets = {
      a11y_known_found: `= ${KNOWN.length}`,
      a11y_false_serious: '= 0',
      a11y_wall_ms_p50: '< 10000',
      a11y_concurrent_failures: '= 0',
    };
    return { report, measured, targets };
  } finally {
    await pool.close();
    await fx.close();
  }
}
