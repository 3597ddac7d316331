/**
 * The website engine (the one-click audit): the product's parts on a loopback page, in a browser pool and
 * in one whose Chromium is missing; and, with test-only part engines, a failing part, one progress bar
 * across parts, and a cancel in the middle of a part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEngineRegistry,
  createEngineRunner,
  NonRetryableError,
  type EngineResult,
  type Finding,
  type TestEngine,
} from '../../src/engines/index.ts';
import { performanceEngine } from '../../src/engines/performance/performance.engine.ts';
import { createWebsiteEngine } from '../../src/engines/website/website.engine.ts';
import { PART_SETTINGS } from '../../src/engines/website/website-parts.ts';
import type { WebsitePart } from '../../src/engines/website/website-part.ts';
import type { PartOutcome } from '../../src/engines/website/website-result.ts';
import { ValidationError } from '../../src/shared/http/index.ts';
import { waitFor } from '../support/wait.ts';
import { engineHarness, silentLog, type ProgressEvent } from './engine-harness.ts';
import {
  fixedEngine,
  hangingEngine,
  startWebsiteFixture,
  throwingEngine,
  type WebsiteFixture,
} from './website-fixtures.ts';

const SEVERITIES: Finding['severity'][] = ['critical', 'high', 'medium', 'low', 'info'];
const partsOf = (r: EngineResult) => r.details.parts as PartOutcome[];
const part = (r: EngineResult, key: string) => partsOf(r).find((p) => p.key === key)!;
/** The documented combined score: the weighted mean of the part scores that exist, rounded. */
function expectedScore(r: EngineResult): number {
  const scored = partsOf(r).filter((p) => typeof p.result?.score === 'number');
  const weights = scored.reduce((n, p) => n + p.weight, 0);
  return Math.round(scored.reduce((n, p) => n + p.weight * p.result!.score!, 0) / weights);
}
function expectFindingsMerged(r: EngineResult) {
  const ranks = r.findings.map((f) => SEVERITIES.indexOf(f.severity));
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  const expected = partsOf(r).flatMap((p) => (p.result?.findings ?? []).map((f) => `[${p.key}] ${f.title}`));
  expect(r.findings.map((f) => f.title).sort()).toEqual(expected.sort());
}

/** A website engine of `parts` with its own registry and runner (the product's ENGINES are not touched). */
function customWebsite(parts: WebsitePart[]) {
  const registry = createEngineRegistry([createWebsiteEngine(parts)]);
  const runner = createEngineRunner({ registry, allowPrivateTargets: true, log: silentLog });
  const run = async (url: string, options: unknown = {}, signal = new AbortController().signal) => {
    const progress: ProgressEvent[] = [];
    const result = await runner.run({
      type: 'website',
      url,
      options,
      signal,
      progress: (percent, message) => progress.push({ percent, message, at: Date.now() }),
    });
    return { result, progress };
  };
  return { run, close: () => runner.close() };
}
const partOf = (key: string, engine: TestEngine, weight: number, cost = 1): WebsitePart => ({
  key,
  engine,
  weight,
  cost: { [engine.name]: cost },
});

const h = engineHarness({ browser: true });
const noChromium = engineHarness({ browser: { chromiumPath: '/nonexistent/chromium' } });
const chromium = h.registry.describe().find((e) => e.name === 'accessibility')!;
if (!chromium.available) console.error(`website browser tests skipped: ${chromium.unavailableReason}`);

describe('website engine', () => {
  let fx: WebsiteFixture;
  beforeAll(async () => {
    fx = await startWebsiteFixture();
  });
  afterAll(async () => {
    await Promise.all([h.close(), noChromium.close(), fx?.close()]);
  });

  it.skipIf(!chromium.available)(
    'runs every available part, keeps each whole result, and combines scores, findings and files',
    async () => {
      const { result } = await h.run('website', `${fx.url}/`, {});
      const parts = partsOf(result);
      expect(parts.map((p) => [p.key, p.engine, p.status])).toEqual(
        expect.arrayContaining([
          ['performance', 'lighthouse', 'completed'],
          ['accessibility', 'accessibility', 'completed'],
        ]),
      );
      for (const p of parts) {
        expect(p.status, `${p.key}: ${p.reason}`).toBe('completed');
        expect(p.weight).toBe(PART_SETTINGS[p.key]!.weight);
        expect(p.result).toMatchObject({ summary: expect.any(String), metrics: expect.any(Object) });
        expect(result.metrics[`${p.key}_score`]).toBe(p.result!.score);
      }
      expect(part(result, 'performance').result!.details).toMatchObject({
        config: { categories: ['performance'] },
      });
      expect(result.score).toBe(expectedScore(result));
      expect(result.metrics).toMatchObject({ score: result.score, parts_failed: 0, parts_skipped: 0 });
      expect(result.metrics.performance_lcp_ms).toBe(part(result, 'performance').result!.metrics.lcp_ms);
      // Lighthouse's headline metrics, present here (metric-catalog.test.ts runs only the axe part).
      const catalog = h.registry.get('website')!.metrics!;
      for (const m of ['performance_lcp_ms', 'performance_cls', 'performance_tbt_ms', 'performance_ttfb_ms'])
        expect(result.metrics, m).toHaveProperty(m);
      for (const m of Object.keys(result.metrics)) expect(catalog, m).toHaveProperty(m);
      // The image without alt: a critical axe violation, first in the merged list.
      expect(result.findings[0]).toMatchObject({
        severity: 'critical',
        title: expect.stringMatching(/^\[accessibility\] /),
      });
      expect(result.metrics.findings_critical).toBeGreaterThanOrEqual(1);
      expectFindingsMerged(result);
      const names = (result.artifacts ?? []).map((a) => a.name);
      expect(names).toEqual(
        expect.arrayContaining(['accessibility-screenshot.png', 'performance-lighthouse-report.html']),
      );
      expect(new Set(names).size).toBe(names.length);
      for (const n of names) expect(n).toMatch(/^[a-z0-9][a-z0-9._-]{0,99}$/);
      expect(JSON.stringify(result.details)).not.toContain('"type":"Buffer"');
    },
    180_000,
  );

  it('falls back to the HTTP performance engine without Chromium, says why, and skips accessibility', async () => {
    expect(noChromium.registry.describe().find((e) => e.name === 'website')).toMatchObject({
      available: true,
    });
    const { result } = await noChromium.run('website', `${fx.url}/`, {
      parts: ['performance', 'accessibility'],
      performance: { runs: 1 },
    });
    expect(part(result, 'performance')).toMatchObject({
      engine: 'performance',
      status: 'completed',
      fallback: {
        from: 'lighthouse',
        reason: expect.stringContaining('CHROMIUM_PATH=/nonexistent/chromium'),
      },
    });
    expect(part(result, 'performance').result!.details).toMatchObject({ runs: [expect.any(Object)] });
    expect(part(result, 'accessibility')).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('CHROMIUM_PATH=/nonexistent/chromium'),
    });
    expect(part(result, 'accessibility')).not.toHaveProperty('result');
    expect(result.score).toBe(part(result, 'performance').result!.score);
    expect(result.metrics).toMatchObject({ parts_completed: 1, parts_skipped: 1, parts_failed: 0 });
    expect(result.summary).toContain('performance');
  });

  it('validates each part engine’s options with its own schema and applies its defaults', () => {
    const r = noChromium.registry;
    const keys = (r.get('website')!.options as { properties: { parts: { default: string[] } } }).properties
      .parts.default;
    expect(keys.slice(0, 2)).toEqual(['performance', 'accessibility']);
    expect(r.validate('website', {})).toMatchObject({ parts: keys });
    let error: unknown;
    try {
      r.validate('website', { lighthouse: { formFactor: 'tablet' }, performance: { runs: 0 } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((e) => e.field).sort()).toEqual([
      '/body/options/lighthouse/formFactor',
      '/body/options/performance/runs',
    ]);
  });

  it('fails at once, without retries, when no selected part can run here', async () => {
    const run = noChromium.run('website', `${fx.url}/`, { parts: ['accessibility'] });
    await expect(run).rejects.toBeInstanceOf(NonRetryableError);
    await expect(run).rejects.toThrow(/accessibility skipped: .*CHROMIUM_PATH=\/nonexistent\/chromium/);
  });

  it('refuses a part option its engine’s own check refuses, naming it under the engine', () => {
    const picky: TestEngine = {
      ...fixedEngine('picky', 50, []),
      check: () => [{ path: '/', message: 'is never right' }],
    };
    const registry = createEngineRegistry([createWebsiteEngine([partOf('picky', picky, 1)])]);
    expect(() => registry.validate('website', {})).toThrow(ValidationError);
    try {
      registry.validate('website', {});
    } catch (err) {
      expect((err as ValidationError).errors).toEqual([
        { field: '/body/options/picky/', message: 'is never right' },
      ]);
    }
  });

  it('completes the other parts when one throws, reports why, and renormalises the score', async () => {
    const w = customWebsite([
      { ...partOf('speed', performanceEngine, 30), defaults: { performance: { runs: 1 } } },
      partOf('broken', throwingEngine('broken-engine', 'the part broke'), 20),
      partOf('fixed', fixedEngine('fixed-engine', 80, ['low', 'critical', 'info']), 25),
    ]);
    const { result } = await w.run(`${fx.url}/`);
    await w.close();
    expect(partsOf(result).map((p) => p.status)).toEqual(['completed', 'failed', 'completed']);
    expect(part(result, 'broken')).toMatchObject({ engine: 'broken-engine', reason: 'the part broke' });
    const speed = part(result, 'speed').result!.score!;
    expect(result.score).toBe(Math.round((30 * speed + 25 * 80) / 55));
    expect(result.metrics).toMatchObject({
      parts_failed: 1,
      parts_completed: 2,
      findings_critical: 1,
      fixed_score: 80,
    });
    expect(result.metrics).not.toHaveProperty('broken_score');
    expect(result.findings[0]!.title).toBe('[fixed] fixed-engine finding 1');
    expectFindingsMerged(result);
    expect(result.artifacts!.map((a) => a.name)).toEqual(['fixed-note.txt']);
  });

  it('fails the test when every part fails, naming each part and why', async () => {
    const w = customWebsite([
      partOf('one', throwingEngine('one-engine', 'first broke'), 1),
      partOf('two', throwingEngine('two-engine', 'second broke'), 1),
    ]);
    await expect(w.run(`${fx.url}/`)).rejects.toThrow(/one failed: first broke; two failed: second broke/);
    await w.close();
  });

  it('moves one progress bar from 0 to 100 across the parts, by their expected cost', async () => {
    const w = customWebsite([
      partOf('a', fixedEngine('a-engine', 50, []), 1, 1),
      partOf('b', fixedEngine('b-engine', 60, []), 1, 3),
    ]);
    const { progress } = await w.run(`${fx.url}/`);
    await w.close();
    const percents = progress.map((p) => p.percent);
    expect(percents[0]).toBe(0);
    expect(percents.at(-1)).toBe(100);
    expect(percents).toEqual([...percents].sort((x, y) => x - y));
    // Part a costs 1 of 4: its own 100 % is a quarter of the bar.
    expect(progress.find((p) => p.message === 'a: step 100')!.percent).toBe(24);
    expect(progress.find((p) => p.message === 'b: step 50')!.percent).toBe(61);
    expect(progress.filter((p) => p.percent < 100).every((p) => /^[ab]: /.test(p.message))).toBe(true);
  });

  it('rejects with the abort reason within 2 s of a cancel during a part, and starts no further part', async () => {
    const after = fixedEngine('after-engine', 90, []);
    const w = customWebsite([
      { ...partOf('speed', performanceEngine, 30), defaults: { performance: { runs: 1 } } },
      partOf('after', after, 25),
    ]);
    const ac = new AbortController();
    const seen = fx.hangs();
    const running = w.run(`${fx.url}/hang`, {}, ac.signal);
    running.catch(() => undefined);
    await waitFor(() => fx.hangs() > seen, 10_000, 'the performance part to request the page');
    const reason = new DOMException('The test was cancelled', 'AbortError');
    const abortedAt = Date.now();
    ac.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    expect(after.calls()).toBe(0);
    await w.close();
  });

  it('does not take the error a part throws after a cancel for a part failure', async () => {
    const hanging = hangingEngine('hanging-engine');
    const w = customWebsite([
      partOf('first', fixedEngine('ok-engine', 70, []), 1),
      partOf('slow', hanging, 1),
    ]);
    const ac = new AbortController();
    const running = w.run(`${fx.url}/`, {}, ac.signal);
    running.catch(() => undefined);
    await waitFor(() => hanging.started(), 10_000, 'the hanging part to start');
    const reason = new DOMException('The test was cancelled', 'AbortError');
    ac.abort(reason);
    await expect(running).rejects.toBe(reason);
    await w.close();
  });
});
