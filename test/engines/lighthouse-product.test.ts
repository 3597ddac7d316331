/**
 * The lighthouse engine through the product: submitted to the API, run by the queue's worker in the app's
 * Chromium pool, its progress published, its result and artifacts stored; and cancelled mid-run, ending
 * `cancelled` within seconds with its Chromium gone. Embedded queue on PGlite only: one Lighthouse run and
 * one cancelled run keep the wall time modest (the queue's modes are covered by the queue suites).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_MODES, recordEvents, waitFor } from '../queue/support/queue-app.ts';
import { chromiumPids } from './chromium-processes.ts';
import { engineProductApp, type TestView } from './engine-product.ts';
import { LCP_DELAY_MS, startLighthouseFixture, type LighthouseFixture } from './lighthouse-fixtures.ts';

describe('the lighthouse engine in the product', () => {
  const p = engineProductApp('lighthouse', QUEUE_MODES[0]!);
  let fx: LighthouseFixture;
  beforeAll(async () => {
    fx = await startLighthouseFixture();
  });
  afterAll(async () => {
    await fx?.close();
  });
  const { get, view } = p;
  const submit = (path: string, options: object) => p.submit(`${fx.url}${path}`, options);
  const OBSERVED = { categories: ['performance'], formFactor: 'desktop', throttling: 'none' };

  it('runs a submitted test, publishes its phases and stores its result and reports', async ({ skip }) => {
    if (!p.available) return skip();
    const events = recordEvents(p.app, ['TestProgress']);
    const testId = await submit('/lcp', OBSERVED);
    const done = await waitFor(
      async () => {
        const v = await view(testId);
        return ['completed', 'failed', 'cancelled'].includes(v.status) ? v : undefined;
      },
      120_000,
      'the test to finish',
    );
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null });
    const messages = events
      .filter((e) => e.payload.testId === testId)
      .map((e) => (e.payload as { message: string }).message);
    expect(messages).toEqual(
      expect.arrayContaining(['Loading the page', 'Collecting page data', 'Running audits']),
    );

    const result = (await get(`/api/tests/${testId}/result`)).json<{
      score: number;
      metrics: Record<string, number>;
      details: Record<string, unknown>;
    }>();
    expect(Math.abs(result.metrics.lcp_ms! - LCP_DELAY_MS)).toBeLessThanOrEqual(180);
    expect(result.score).toBe(result.metrics.performance_score);
    expect(result.details).not.toHaveProperty('artifacts');
    const artifacts = (await get(`/api/tests/${testId}/artifacts`)).json<{
      items: Array<{ name: string; contentType: string; label: string | null; url: string }>;
    }>().items;
    expect(artifacts.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        'lighthouse-report.html',
        'final-screenshot.jpg',
        'filmstrip-0.jpg',
        'lighthouse-report.json',
      ]),
    );
    const html = artifacts.find((a) => a.name === 'lighthouse-report.html')!;
    expect(html).toMatchObject({
      label: 'Lighthouse report',
      contentType: expect.stringMatching(/^text\/html/),
    });
    // The signed link serves the report without a token.
    const served = await p.app.inject({ method: 'GET', url: html.url.replace(/^https?:\/\/[^/]+/, '') });
    expect(served.statusCode).toBe(200);
    expect(served.body).toContain('__LIGHTHOUSE_JSON__');
  }, 180_000);

  it('cancels a running test within seconds, and its Chromium is gone', async ({ skip }) => {
    if (!p.available) return skip();
    const before = new Set(chromiumPids());
    const seen = fx.hangs();
    const testId = await submit('/hang', OBSERVED);
    await waitFor(() => fx.hangs() > seen, 60_000, 'Lighthouse to request the page');
    expect((await view(testId)).status).toBe('running');
    expect(chromiumPids().some((p) => !before.has(p))).toBe(true);
    const cancelledAt = Date.now();
    const cancel = await p.app.inject({
      method: 'POST',
      url: `/api/queue/jobs/${testId}/cancel`,
      headers: p.user.auth,
    });
    expect(cancel.json<TestView>().status).toBe('cancelled');
    await waitFor(() => chromiumPids().every((p) => before.has(p)), 5000, 'Chromium to exit');
    expect(Date.now() - cancelledAt).toBeLessThan(5000);
    await waitFor(
      () => !p.app.testQueue.worker!.running().includes(testId),
      5000,
      'the worker to let the attempt go',
    );
    expect((await view(testId)).status).toBe('cancelled');
  }, 120_000);
});
