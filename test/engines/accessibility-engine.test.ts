import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError, type EngineResult } from '../../src/engines/index.ts';
import { waitFor } from '../support/wait.ts';
import { KNOWN, startA11yFixture, type A11yFixture } from './accessibility-fixtures.ts';
import { chromiumPids } from './chromium-processes.ts';
import { engineHarness } from './engine-harness.ts';

interface Group {
  id: string;
  impact: string;
  wcag: string[];
  helpUrl: string;
  nodes: Array<{ target: string; html: string }>;
}
const groups = (r: EngineResult) => r.details.violations as Group[];
const ids = (r: EngineResult) =>
  groups(r)
    .map((g) => g.id)
    .sort();
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const h = engineHarness({ browser: true });
const engine = h.registry.describe().find((e) => e.name === 'accessibility');
if (!engine?.available)
  console.error(
    `accessibility engine tests skipped: ${engine?.unavailableReason ?? 'engine not registered'}`,
  );

describe.skipIf(!engine?.available)('accessibility engine', () => {
  let fx: A11yFixture;
  beforeAll(async () => {
    fx = await startA11yFixture();
  });
  afterAll(async () => {
    await h.close();
    await fx?.close();
  });

  it('finds every known violation with its rule and element, and no other serious or critical one', async () => {
    const { result, progress } = await h.run('accessibility', `${fx.url}/violations`, {
      standard: 'best-practice',
    });
    for (const known of KNOWN) {
      const group = groups(result).find((g) => g.id === known.id);
      expect(group, `${known.what} (${known.id})`).toBeDefined();
      expect(group!.impact, known.id).toBe(known.impact);
      expect(group!.nodes.map((n) => n.target)).toContain(known.target);
    }
    const severe = groups(result).filter((g) => g.impact === 'critical' || g.impact === 'serious');
    expect(severe.map((g) => g.id).sort()).toEqual(
      KNOWN.filter((k) => k.impact === 'critical' || k.impact === 'serious')
        .map((k) => k.id)
        .sort(),
    );
    expect(groups(result).find((g) => g.id === 'color-contrast')).toMatchObject({
      wcag: ['1.4.3'],
      helpUrl: expect.stringMatching(/^https:\/\/dequeuniversity\.com\/rules\/axe\/4\.11\/color-contrast/),
    });
    expect(groups(result).find((g) => g.id === 'image-alt')!.nodes[0]!.html).toBe(
      '<img id="logo" src="/pixel.png">',
    );
    // The documented weights: 20, 10, 4 and 1 points per violated rule by impact.
    const m = result.metrics;
    expect(result.passed).toBe(false);
    expect(result.score).toBe(
      100 -
        20 * m.violations_critical! -
        10 * m.violations_serious! -
        4 * m.violations_moderate! -
        m.violations_minor!,
    );
    expect(result.metrics).toMatchObject({
      violations_critical: 3,
      violations_serious: 3,
      violations_total: groups(result).length,
      blocked_requests: 0,
    });
    expect(result.metrics.browser_peak_memory_bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(result.findings.filter((f) => f.severity === 'critical').map((f) => f.title)).toHaveLength(3);
    expect(result.findings.find((f) => f.title.startsWith('Links must'))!.detail).toContain('#late-link');
    const shot = result.artifacts?.find((a) => a.name === 'screenshot.png');
    expect(shot).toMatchObject({ contentType: 'image/png', label: 'Screenshot' });
    expect(shot!.data.subarray(0, 8)).toEqual(PNG);
    // 1280×800 by default: the PNG's IHDR holds the width and height.
    expect([shot!.data.readUInt32BE(16), shot!.data.readUInt32BE(20)]).toEqual([1280, 800]);
    const messages = progress.map((p) => p.message);
    for (const step of [/^Loading/, /^Waiting for the network/, /^Auditing/, /^Done/])
      expect(
        messages.some((m) => step.test(m)),
        String(step),
      ).toBe(true);
  });

  it('finds nothing on an accessible page, even with best practices, and passes', async () => {
    const { result } = await h.run('accessibility', `${fx.url}/accessible`, { standard: 'best-practice' });
    expect(groups(result)).toEqual([]);
    expect(result).toMatchObject({ passed: true, score: 100, findings: [] });
    expect(result.metrics.passes).toBeGreaterThan(10);
  });

  it('audits only the included part of the page, less the excluded one', async () => {
    const { result } = await h.run('accessibility', `${fx.url}/violations`, {
      include: ['#signup'],
      exclude: ['#go'],
      viewport: { width: 800, height: 600 },
    });
    expect(ids(result)).toEqual(['label']);
    expect(groups(result)[0]!.nodes.map((n) => n.target)).toEqual(['#email']);
    const shot = result.artifacts!.find((a) => a.name === 'screenshot.png')!;
    expect([shot.data.readUInt32BE(16), shot.data.readUInt32BE(20)]).toEqual([800, 600]);
  });

  it('waits for the waitFor selector, so an element rendered late is audited', async () => {
    const { result } = await h.run('accessibility', `${fx.url}/slow-widget`, { waitFor: '#slow-button' });
    expect(ids(result)).toEqual(['button-name']);
    expect(groups(result)[0]!.nodes[0]!.target).toBe('#slow-button');
  });

  it('fails at once, without retries, on an invalid selector, naming it', async () => {
    const run = h.run('accessibility', `${fx.url}/violations`, {
      include: ['main'],
      exclude: ['a:nope'],
    });
    await expect(run).rejects.toBeInstanceOf(NonRetryableError);
    await expect(run).rejects.toThrow('Invalid CSS selector: "a:nope"');
  });

  it('reports each request the SSRF guard refused and audits the page without it, and refuses a page redirected there', async () => {
    // 127.0.0.1 stands in for a public host; the page's image on the metadata address stays refused.
    const guarded = engineHarness({
      browser: true,
      allowPrivateTargets: false,
      publicAddresses: ['127.0.0.1'],
    });
    try {
      const { result } = await guarded.run('accessibility', `${fx.url}/leaky`, {});
      expect(result.metrics.blocked_requests).toBe(1);
      expect(result.details.blocked).toEqual([
        {
          url: 'http://169.254.169.254/latest/meta-data/logo.png',
          reason: expect.stringMatching(/metadata/),
        },
      ]);
      expect(result.findings).toEqual([
        expect.objectContaining({
          severity: 'medium',
          title: 'A request of the page was blocked',
          detail: expect.stringContaining('http://169.254.169.254/latest/meta-data/logo.png'),
        }),
      ]);
      expect(result.passed).toBe(true);
      // A page that redirects there is refused outright: retrying cannot help.
      const refused = guarded.run('accessibility', `${fx.url}/to-metadata`, {});
      await expect(refused).rejects.toBeInstanceOf(NonRetryableError);
      await expect(refused).rejects.toMatchObject({
        code: 'ERR_TARGET_REFUSED',
        message: expect.stringMatching(/^The page was refused: .*metadata/),
      });
    } finally {
      await guarded.close();
    }
  });

  it('stops within 2 s of a cancel, and its Chromium is gone', async () => {
    const before = new Set(chromiumPids());
    const controller = new AbortController();
    const running = h.run('accessibility', `${fx.url}/hang`, {}, controller.signal);
    running.catch(() => undefined);
    await waitFor(() => fx.hangs() > 0, 20_000, 'the page request');
    expect(chromiumPids().filter((p) => !before.has(p)).length).toBeGreaterThan(0);
    const cancelledAt = Date.now();
    controller.abort(new DOMException('cancelled', 'AbortError'));
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
    await waitFor(() => chromiumPids().every((p) => before.has(p)), 5000, 'Chromium to exit');
  });
});
