/**
 * The dashboard eats its own cooking (issue 16): the product's accessibility engine, as a user would run
 * it, audits the dashboard's public pages and finds no serious or critical violation. The signed-in pages
 * keep their session token in memory, which the engine's fresh browser cannot have; the other e2e suites
 * check those with axe-core in the page itself (support/axe.ts, in light and dark).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EngineResult } from '../../src/engines/index.ts';
import { engineHarness } from '../engines/engine-harness.ts';
import { describeE2E, startE2E, type E2E } from './support/e2e.ts';

interface Group {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string }>;
}

const severe = (r: EngineResult) =>
  (r.details.violations as Group[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target).join(', ')}`);

describeE2E('the accessibility engine on the dashboard', () => {
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

  // The form's heading is rendered by the app's scripts: waiting for it proves the audit saw the app.
  it.each([
    ['sign-in', '/signin'],
    ['sign-up', '/signup'],
    ['forgot password', '/forgot-password'],
  ])('finds no serious or critical violation on the %s page (WCAG 2.2 AA)', async (_name, path) => {
    const { result } = await h.run('accessibility', `${e2e.baseUrl}${path}`, {
      standard: 'wcag22aa',
      waitFor: 'main h1',
    });
    expect(severe(result)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.metrics.passes).toBeGreaterThan(10);
  });
});
