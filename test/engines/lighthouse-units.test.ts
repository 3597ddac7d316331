import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../src/engines/engine.ts';
import { compileOptionsValidator } from '../../src/engines/options-validator.ts';
import type { Lhr, LhrAudit } from '../../src/engines/lighthouse/lhr.ts';
import {
  filmstripOf,
  finalScreenshotOf,
  imageOf,
} from '../../src/engines/lighthouse/lighthouse-artifacts.ts';
import { lighthouseSettings } from '../../src/engines/lighthouse/lighthouse-config.ts';
import { auditFindings, severityOf } from '../../src/engines/lighthouse/lighthouse-findings.ts';
import { phaseOf, phaseTracker } from '../../src/engines/lighthouse/lighthouse-progress.ts';
import { metricsOf, pageMetrics } from '../../src/engines/lighthouse/lighthouse-result.ts';
import { LighthouseOptions } from '../../src/engines/lighthouse/lighthouse.options.ts';
import { medianRunIndex } from '../../src/engines/lighthouse/median-run.ts';
import { unmeasuredError } from '../../src/engines/lighthouse/run-errors.ts';
import { untilAborted } from '../../src/engines/lighthouse/run-lighthouse.ts';

const audit = (id: string, over: Partial<LhrAudit> = {}): LhrAudit => ({
  id,
  title: id,
  score: 1,
  scoreDisplayMode: 'numeric',
  ...over,
});

/** A tiny LHR: a performance score and the FCP/TTI the median run is chosen on. */
function lhr(perf: number | null, fcp?: number, tti?: number, audits: LhrAudit[] = []): Lhr {
  const all = [
    ...(fcp !== undefined ? [audit('first-contentful-paint', { numericValue: fcp })] : []),
    ...(tti !== undefined ? [audit('interactive', { numericValue: tti })] : []),
    ...audits,
  ];
  return {
    lighthouseVersion: '12.2.3',
    finalDisplayedUrl: 'http://127.0.0.1/',
    categories:
      perf === null
        ? { seo: { id: 'seo', title: 'SEO', score: 0.8, auditRefs: [] } }
        : {
            performance: {
              id: 'performance',
              title: 'Performance',
              score: perf,
              auditRefs: audits.map((a) => ({ id: a.id, weight: 0 })),
            },
          },
    audits: Object.fromEntries(all.map((a) => [a.id, a])),
  };
}

describe('median run selection (Lighthouse/LHCI rule)', () => {
  it('picks the run closest to the median FCP and median TTI, not the run with the median score', () => {
    const runs = [
      lhr(0.3, 3000, 8000),
      lhr(0.8, 1000, 2600),
      lhr(0.85, 1200, 3000), // the median score
      lhr(0.95, 800, 2000),
      lhr(0.9, 900, 2400),
    ];
    // Medians: FCP 1000, TTI 2600: run 1 exactly.
    expect(medianRunIndex(runs)).toBe(1);
  });

  it('breaks a tie in distance with the lower TTI', () => {
    // Medians FCP 1050, TTI 3100: both runs are 111.8 away.
    expect(medianRunIndex([lhr(0.7, 1100, 3200), lhr(0.9, 1000, 3000)])).toBe(1);
  });

  it('returns the only run, and throws on none', () => {
    expect(medianRunIndex([lhr(0.3, 10, 20)])).toBe(0);
    expect(() => medianRunIndex([])).toThrow(/no runs/);
  });

  it('falls back to the run whose score is closest to the median when performance was not audited', () => {
    const seo = (score: number) => ({
      ...lhr(null),
      categories: { seo: { id: 'seo', title: 'SEO', score, auditRefs: [] } },
    });
    expect(medianRunIndex([seo(0.9), seo(0.5), seo(0.7)])).toBe(2);
  });
});

describe('lighthouse findings', () => {
  const failed = (id: string, score: number, over: Partial<LhrAudit> = {}) =>
    audit(id, { score, scoreDisplayMode: 'binary', ...over });

  it('reports failed audits only: below 0.9, with a verdict', () => {
    const run = lhr(0.8, 100, 200, [
      failed('image-alt', 0),
      failed('passing', 0.95),
      audit('diagnostics', { score: 0, scoreDisplayMode: 'informative' }),
      audit('manual-check', { score: 0, scoreDisplayMode: 'manual' }),
      audit('n-a', { score: null, scoreDisplayMode: 'notApplicable' }),
      audit('broken', { score: null, scoreDisplayMode: 'error' }),
    ]);
    expect(auditFindings(run).map((f) => f.title)).toEqual(['image-alt']);
  });

  it('grades by the points an audit costs its category and by its savings', () => {
    expect(severityOf(failed('tbt', 0), 30)).toBe('critical');
    expect(severityOf(failed('color-contrast', 0), 7)).toBe('high');
    expect(severityOf(failed('lcp', 0.88), 25)).toBe('medium'); // 3 points
    expect(severityOf(failed('charset', 0), 1)).toBe('low');
    const opportunity = (ms: number, bytes: number) =>
      failed('uses-text-compression', 0, {
        scoreDisplayMode: 'metricSavings',
        metricSavings: { LCP: ms, CLS: 0.3 },
        details: { type: 'opportunity', overallSavingsBytes: bytes },
      });
    expect(severityOf(opportunity(1200, 0), 0)).toBe('high');
    expect(severityOf(opportunity(400, 0), 0)).toBe('medium');
    expect(severityOf(opportunity(0, 200 * 1024), 0)).toBe('medium');
    expect(severityOf(opportunity(50, 1000), 0)).toBe('low');
  });

  it('says what fixing it saves, where, and links Lighthouse advice as plain text', () => {
    const run = lhr(0.5, 100, 200, [
      failed('uses-text-compression', 0, {
        title: 'Enable text compression',
        scoreDisplayMode: 'metricSavings',
        displayValue: 'Potential savings of 168 KiB',
        description: 'Compress text. [Learn more](https://developer.chrome.com/x).',
        metricSavings: { FCP: 750, LCP: 900 },
        details: {
          type: 'opportunity',
          overallSavingsBytes: 171_659,
          items: [
            { url: 'http://a/1.js' },
            { url: 'http://a/2.css' },
            { url: 'http://a/3' },
            { url: 'http://a/4' },
          ],
        },
      }),
    ]);
    const [f] = auditFindings(run);
    expect(f).toEqual({
      severity: 'medium',
      title: 'Enable text compression',
      detail:
        'Lighthouse audit uses-text-compression scored 0/100, Potential savings of 168 KiB. Potential savings: 900 ms, 168 KiB. http://a/1.js, http://a/2.css, http://a/3 and 1 more.',
      recommendation: 'Compress text. Learn more: https://developer.chrome.com/x.',
    });
  });

  it('lists the worst first', () => {
    const run = lhr(0.5, 100, 200, [failed('minor', 0), failed('tbt', 0), failed('mid', 0)]);
    run.categories.performance!.auditRefs = [
      { id: 'minor', weight: 1 },
      { id: 'tbt', weight: 30 },
      { id: 'mid', weight: 3 },
    ];
    expect(auditFindings(run).map((f) => [f.title, f.severity])).toEqual([
      ['tbt', 'critical'],
      ['mid', 'medium'],
      ['minor', 'low'],
    ]);
  });
});

describe('lighthouse result mapping', () => {
  it('maps the audits to metrics and leaves out what was not measured', () => {
    const run = lhr(0.87, 812.4, 2500, [
      audit('largest-contentful-paint', { numericValue: 1234.56 }),
      audit('cumulative-layout-shift', { numericValue: 0.123456 }),
      audit('network-requests', { details: { items: [{}, {}, {}] } }),
    ]);
    expect(pageMetrics(run)).toEqual({
      score: 87,
      performance_score: 87,
      fcp_ms: 812,
      tti_ms: 2500,
      lcp_ms: 1235,
      cls: 0.1235,
      request_count: 3,
    });
    const metrics = metricsOf(
      [run, lhr(0.8, 1, 2), lhr(0.91, 1, 2)],
      0,
      [
        { wallMs: 10_000, peakMemoryBytes: null },
        { wallMs: 12_000, peakMemoryBytes: 300 },
        { wallMs: 14_000, peakMemoryBytes: 200 },
      ],
      2,
    );
    expect(metrics).toMatchObject({
      score: 87,
      performance_score_spread: 11,
      runs: 3,
      blocked_requests: 2,
      browser_peak_memory_bytes: 300,
      run_wall_ms: 12_000,
    });
    const noPerf = metricsOf([lhr(null)], 0, [{ wallMs: 1, peakMemoryBytes: null }], 0);
    expect(noPerf).toEqual({ score: 80, seo_score: 80, runs: 1, blocked_requests: 0, run_wall_ms: 1 });
  });

  it('turns the screenshots into artifacts', () => {
    const jpeg = `data:image/jpeg;base64,${Buffer.from('JPEG!').toString('base64')}`;
    expect(imageOf(jpeg)?.data.toString()).toBe('JPEG!');
    expect(imageOf('data:text/html;base64,PGI+')).toBeNull();
    const run = lhr(1, 1, 1, [
      audit('final-screenshot', { details: { type: 'screenshot', data: jpeg } }),
      audit('screenshot-thumbnails', {
        details: {
          type: 'filmstrip',
          items: [
            { timing: 375.4, data: jpeg },
            { timing: 750, data: 'x' },
          ],
        },
      }),
    ]);
    expect(finalScreenshotOf(run)).toMatchObject({ name: 'final-screenshot.jpg', contentType: 'image/jpeg' });
    const film = filmstripOf(run);
    expect(film.frames).toEqual([{ timingMs: 375, artifact: 'filmstrip-0.jpg' }]);
    expect(film.artifacts.map((a) => a.name)).toEqual(['filmstrip-0.jpg']);
  });

  it('fails a run that measured nothing, refusing for good what retrying cannot fix', () => {
    const failedRun = (code: string, blocked: Array<{ url: string; reason: string }> = []) => ({
      lhr: { ...lhr(null), runtimeError: { code, message: `it went ${code}` } },
      json: '',
      html: '',
      chromiumVersion: null,
      blocked,
      peakMemoryBytes: null,
    });
    expect(unmeasuredError({ ...failedRun('X'), lhr: lhr(1) }, 'http://127.0.0.1/')).toBeNull();
    const notFound = unmeasuredError(failedRun('ERRORED_DOCUMENT_REQUEST'), 'http://127.0.0.1/');
    expect(notFound).toBeInstanceOf(NonRetryableError);
    const hung = unmeasuredError(failedRun('PAGE_HUNG'), 'http://127.0.0.1/');
    expect(hung).not.toBeInstanceOf(NonRetryableError);
    expect(hung?.message).toBe('Lighthouse could not measure the page: it went PAGE_HUNG (PAGE_HUNG)');
    const refused = unmeasuredError(
      failedRun('FAILED_DOCUMENT_REQUEST', [{ url: 'http://10.0.0.1/', reason: 'private' }]),
      'http://127.0.0.1/',
    );
    expect(refused).toMatchObject({ code: 'ERR_TARGET_REFUSED' });
  });
});

describe('lighthouse options', () => {
  const validate = compileOptionsValidator(LighthouseOptions);

  it('defaults to every category, mobile, simulated throttling, one run', () => {
    expect(validate({})).toEqual({
      value: {
        categories: ['performance', 'accessibility', 'best-practices', 'seo'],
        formFactor: 'mobile',
        throttling: 'simulate',
        runs: 1,
        timeoutMs: 45_000,
      },
      errors: [],
    });
  });

  it.each([
    [{ runs: 6 }, '/body/options/runs'],
    [{ runs: 0 }, '/body/options/runs'],
    [{ categories: [] }, '/body/options/categories'],
    [{ categories: ['pwa'] }, '/body/options/categories/0'],
    [{ categories: ['seo', 'seo'] }, '/body/options/categories'],
    [{ formFactor: 'tablet' }, '/body/options/formFactor'],
    [{ throttling: 'fast' }, '/body/options/throttling'],
    [{ timeoutMs: 1000 }, '/body/options/timeoutMs'],
    [{ timeoutMs: 120_000 }, '/body/options/timeoutMs'],
    [{ headers: { Host: 'x' } }, '/body/options/headers/Host'],
    [{ screenshots: true }, '/body/options/screenshots'],
  ])('refuses %j naming %s', (options, field) => {
    expect(validate(options).errors.map((e) => e.field)).toContain(field);
  });
});

describe('lighthouse settings and progress', () => {
  const constants = {
    throttling: { mobileSlow4G: { rttMs: 150 } },
    screenEmulation: undefined,
    screenEmulationMetrics: { mobile: { width: 412 } },
    userAgents: { mobile: 'moto' },
  };
  const desktop = {
    settings: { formFactor: 'desktop', screenEmulation: { width: 1350 }, throttling: { rttMs: 40 } },
  };
  const options = {
    categories: ['performance' as const],
    formFactor: 'desktop' as const,
    throttling: 'none' as const,
    runs: 1,
    timeoutMs: 60_000,
    headers: { 'X-Test': '1' },
  };

  it("uses Lighthouse's presets and maps throttling none to 'provided'", () => {
    const { flags, config } = lighthouseSettings(options, 9222, constants, desktop);
    expect(flags).toMatchObject({ port: 9222, maxWaitForLoad: 60_000, maxWaitForFcp: 30_000 });
    expect(flags.extraHeaders).toEqual({ 'X-Test': '1' });
    expect(config.settings).toMatchObject({
      formFactor: 'desktop',
      screenEmulation: { width: 1350 },
      throttlingMethod: 'provided',
      onlyCategories: ['performance'],
    });
    const mobile = lighthouseSettings(
      { ...options, formFactor: 'mobile', throttling: 'simulate' },
      1,
      constants,
      desktop,
    );
    expect(mobile.config.settings).toMatchObject({
      formFactor: 'mobile',
      throttling: { rttMs: 150 },
      screenEmulation: { width: 412 },
      emulatedUserAgent: 'moto',
      throttlingMethod: 'simulate',
    });
  });

  it('maps status messages to phases and reports each phase once, in order', () => {
    expect(phaseOf('Navigating to about:blank')).toBeNull();
    expect(phaseOf('Navigating to http://127.0.0.1/')).toBe('loading');
    expect(phaseOf('Getting artifact: Trace')).toBe('gathering');
    expect(phaseOf('Auditing: Speed Index')).toBe('auditing');
    const seen: Array<[number, string]> = [];
    const track = phaseTracker(1, 2, (p, m) => seen.push([p, m]));
    for (const p of ['starting', 'loading', 'gathering', 'loading', 'auditing', 'auditing'] as const)
      track(p);
    expect(seen).toEqual([
      [48, 'Run 2 of 2: starting chromium'],
      [52, 'Run 2 of 2: loading the page'],
      [78, 'Run 2 of 2: collecting page data'],
      [86, 'Run 2 of 2: running audits'],
    ]);
  });

  it('rejects with the abort reason at once, leaving the abandoned work caught', async () => {
    let fail!: (e: Error) => void;
    const work = new Promise((_, reject) => (fail = reject));
    const ac = new AbortController();
    const running = untilAborted(work, ac.signal);
    const reason = new DOMException('cancelled', 'AbortError');
    ac.abort(reason);
    await expect(running).rejects.toBe(reason);
    fail(new Error('Session closed')); // would be an unhandled rejection (and fail vitest) without the catch
    await expect(untilAborted(Promise.resolve(1), new AbortController().signal)).resolves.toBe(1);
  });
});
