/**
 * The dashboard eats its own cooking (issue 16): the product's lighthouse engine, as a user would run it,
 * measures the dashboard's sign-in page on desktop and scores it at least 90 for performance. Throttling
 * is Lighthouse's default for desktop (simulate), the figure PageSpeed shows; the page is served by the real
 * server from web/dist, as `npm start` serves it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { engineHarness } from '../engines/engine-harness.ts';
import { describeE2E, startE2E, type E2E } from './support/e2e.ts';

describeE2E('the lighthouse engine on the dashboard', () => {
  let e2e: E2E;
  // The dashboard listens on loopback: private targets allowed, as for every loopback fixture.
  const h = engineHarness({ browser: true, allowPrivateTargets: true });
  beforeAll(async () => {
    e2e = await startE2E();
  }, 120_000);
  afterAll(async () => {
    await h.close();
    await e2e?.close();
  });

  it('scores the sign-in page ≥ 90 for performance on desktop', { timeout: 300_000 }, async () => {
    const { result } = await h.run('lighthouse', `${e2e.baseUrl}/signin`, {
      categories: ['performance', 'accessibility', 'best-practices'],
      formFactor: 'desktop',
    });
    const failed = result.findings.map((f) => `${f.severity}: ${f.title}`);
    expect(result.metrics.performance_score, failed.join('\n')).toBeGreaterThanOrEqual(90);
    // Lighthouse's own accessibility audits agree with axe-core's in the other e2e suites.
    expect(result.metrics.accessibility_score, failed.join('\n')).toBeGreaterThanOrEqual(90);
    expect(result.metrics.blocked_requests).toBe(0);
  });
});
