/**
 * The lighthouse engine's accuracy on pages whose Web Vitals are known by construction
 * (lighthouse-fixtures.ts), desktop preset without throttling so the figures are the observed ones; and
 * its cancel. Four Lighthouse runs in all (each 10–20 s here), performance only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineResult } from '../../src/engines/index.ts';
import { waitFor } from '../support/wait.ts';
import { chromiumPids } from './chromium-processes.ts';
import { engineHarness } from './engine-harness.ts';
import {
  EXPECTED_TBT_MS,
  LCP_DELAY_MS,
  METADATA_URL,
  TBT_TOLERANCE,
  expectedCls,
  startLighthouseFixture,
  type LighthouseFixture,
} from './lighthouse-fixtures.ts';

// The SSRF guard on, with the loopback fixture standing in for a public host: the metadata image is refused.
const h = engineHarness({ browser: true, allowPrivateTargets: false, publicAddresses: ['127.0.0.1'] });
const engine = h.registry.describe().find((e) => e.name === 'lighthouse');
if (!engine?.available)
  console.error(`lighthouse engine tests skipped: ${engine?.unavailableReason ?? 'engine not registered'}`);

const OBSERVED = { categories: ['performance'], formFactor: 'desktop', throttling: 'none' };
/** A measured time is right within 15 % or 100 ms of the known one, whichever is larger. */
const within = (expected: number) => Math.max(0.15 * expected, 100);
/** A Lighthouse run takes 10–20 s here; 5× that and then some. */
const RUN_TIMEOUT = 120_000;

describe.skipIf(!engine?.available)('lighthouse engine', () => {
  let fx: LighthouseFixture;
  beforeAll(async () => {
    fx = await startLighthouseFixture();
  });
  afterAll(async () => {
    await h.close();
    await fx?.close();
  });

  it(
    'measures LCP from navigation start on a page whose largest element appears after a known delay',
    async () => {
      const { result, progress } = await h.run('lighthouse', `${fx.url}/lcp?metadata`, OBSERVED);
      const m = result.metrics;
      expect(Math.abs(m.lcp_ms! - LCP_DELAY_MS), `lcp_ms ${m.lcp_ms}`).toBeLessThanOrEqual(
        within(LCP_DELAY_MS),
      );
      // The first paint is the small paragraph, long before the large block.
      expect(m.fcp_ms).toBeLessThan(LCP_DELAY_MS / 2);
      expect(m).toMatchObject({ runs: 1, blocked_requests: 1, performance_score_spread: 0 });
      expect(m.performance_score).toBe(result.score);
      expect(m.browser_peak_memory_bytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(result.findings).toContainEqual(
        expect.objectContaining({ title: 'A request of the page was blocked', severity: 'medium' }),
      );
      expect(JSON.stringify(result.findings)).toContain(METADATA_URL);
      expectReportShape(result);
      // Progress: Lighthouse's phases in order, the bar only moving forward.
      const messages = progress.map((p) => p.message);
      const order = ['Starting Chromium', 'Loading the page', 'Collecting page data', 'Running audits'];
      const at = order.map((msg) => messages.indexOf(msg));
      expect(
        at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!)),
        messages.join(' | '),
      ).toBe(true);
      const percents = progress.map((p) => p.percent);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
    },
    RUN_TIMEOUT,
  );

  it(
    'measures CLS as impact fraction × distance fraction of a known shift',
    async () => {
      const { result } = await h.run('lighthouse', `${fx.url}/cls`, OBSERVED);
      const expected = expectedCls(); // (400 + 282) / 940 × 282 / 1350 ≈ 0.1516
      expect(Math.abs(result.metrics.cls! - expected), `cls ${result.metrics.cls}`).toBeLessThanOrEqual(0.02);
    },
    RUN_TIMEOUT,
  );

  it(
    'counts the part of each long task beyond 50 ms as Total Blocking Time',
    async () => {
      const { result } = await h.run('lighthouse', `${fx.url}/tbt`, OBSERVED);
      const tbt = result.metrics.tbt_ms!;
      expect(tbt, 'tbt_ms').toBeGreaterThanOrEqual(EXPECTED_TBT_MS - TBT_TOLERANCE.below);
      expect(tbt, 'tbt_ms').toBeLessThanOrEqual(EXPECTED_TBT_MS + TBT_TOLERANCE.above);
      // A TBT of 600 ms on desktop is far from good: it shows up as a finding.
      expect(result.findings.map((f) => f.title)).toContain('Total Blocking Time');
    },
    RUN_TIMEOUT,
  );

  it(
    'rejects with the abort reason within 2 s of a cancel, and its Chromium is gone',
    async () => {
      const before = new Set(chromiumPids());
      const seen = fx.hangs();
      const ac = new AbortController();
      const running = h.run('lighthouse', `${fx.url}/hang`, OBSERVED, ac.signal);
      running.catch(() => undefined);
      await waitFor(() => fx.hangs() > seen, 60_000, 'Lighthouse to request the page');
      expect(chromiumPids().some((p) => !before.has(p))).toBe(true);
      const reason = new DOMException('The test was cancelled', 'AbortError');
      const abortedAt = Date.now();
      ac.abort(reason);
      await expect(running).rejects.toBe(reason);
      expect(Date.now() - abortedAt).toBeLessThan(2000);
      await waitFor(() => chromiumPids().every((p) => before.has(p)), 5000, 'Chromium to exit');
    },
    RUN_TIMEOUT,
  );
});

/** What every result carries: details without the raw LHR, and Lighthouse's reports and screenshots. */
function expectReportShape(result: EngineResult) {
  const d = result.details as Record<string, unknown> & {
    runs: unknown[];
    audits: Array<Record<string, unknown>>;
    filmstrip: Array<{ timingMs: number; artifact: string }>;
  };
  expect(d).toMatchObject({
    lighthouseVersion: '12.2.3',
    chromiumVersion: expect.stringMatching(/^(Headless)?Chrom(e|ium)\/\d+/),
    config: { formFactor: 'desktop', throttling: 'none', categories: ['performance'] },
    medianRun: 0,
    categories: [{ id: 'performance', score: result.score }],
  });
  expect(d.runs).toHaveLength(1);
  expect(d.audits.find((a) => a.id === 'largest-contentful-paint')).toMatchObject({
    numericValue: expect.any(Number),
    weight: 25,
  });
  for (const a of d.audits) expect(a).not.toHaveProperty('details');
  expect(JSON.stringify(d).length).toBeLessThan(100_000);
  const files = result.artifacts ?? [];
  const names = files.map((f) => f.name);
  expect(names.slice(0, 2)).toEqual(['lighthouse-report.html', 'final-screenshot.jpg']);
  expect(names).toContain('lighthouse-report.json');
  expect(d.filmstrip.length).toBeGreaterThan(2);
  for (const frame of d.filmstrip) expect(names).toContain(frame.artifact);
  const html = files.find((f) => f.name === 'lighthouse-report.html')!;
  expect(html.data.toString('utf8')).toMatch(/<!doctype html>[\s\S]*__LIGHTHOUSE_JSON__/i);
  const json = JSON.parse(files.find((f) => f.name === 'lighthouse-report.json')!.data.toString('utf8'));
  expect(json.audits['largest-contentful-paint'].numericValue).toBeCloseTo(result.metrics.lcp_ms!, -1);
  const jpeg = files.find((f) => f.name === 'final-screenshot.jpg')!;
  expect(jpeg.contentType).toBe('image/jpeg');
  expect([...jpeg.data.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
}
