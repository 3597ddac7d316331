/**
 * The dashboard eats its own cooking (issue 16): the product's accessibility engine, as a user would run
 * it, audits the dashboard's public pages and finds no serious or critical violation. The signed-in pages
 * keep their session token in memory, which the engine's fresh browser cannot have; the other e2e suites
 * check those with axe-core in the page itself (support/axe.ts, in light and dark).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EngineResult } from '../../src/engines/index.ts';
import { engineHarness } from '../engines/engine-harness.ts';
import { KNOWN, startA11yFixture, type A11yFixture } from '../engines/accessibility-fixtures.ts';
import { seriousViolations } from './support/axe.ts';
import { describeE2E, screenshot, startE2E, type E2E } from './support/e2e.ts';

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
  let fx: A11yFixture;
  // The dashboard listens on loopback: private targets allowed, as for every loopback fixture.
  const h = engineHarness({ browser: true, allowPrivateTargets: true });
  beforeAll(async () => {
    [e2e, fx] = await Promise.all([startE2E(), startA11yFixture()]);
  }, 120_000);
  afterAll(async () => {
    await h.close();
    await Promise.all([e2e?.close(), fx?.close()]);
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

  it("shows an accessibility result: rules by impact, each element's selector and markup as text, the screenshot", async () => {
    const { email } = await e2e.createAccount();
    const testId = await e2e.submitTest(email, {
      type: 'accessibility',
      url: `${fx.url}/violations`,
      options: { standard: 'best-practice' },
    });
    const page = await e2e.newPage();
    await e2e.signIn(page, email);
    await page.goto(`/tests/${testId}`);
    await page.locator('.tv-status .chip', { hasText: 'Completed' }).waitFor({ timeout: 60_000 });
    const critical = page.getByRole('region', { name: 'Critical' });
    await critical.getByRole('heading', { name: /Images must have alternative text/ }).waitFor();
    for (const k of KNOWN) await page.getByRole('cell', { name: k.target, exact: true }).first().waitFor();
    // The audited page's markup is shown as text, never rendered into the dashboard.
    await page.getByText('<img id="logo" src="/pixel.png">', { exact: true }).waitFor();
    expect(await page.locator('img#logo, a#late-link').count()).toBe(0);
    const help = page.getByRole('link', { name: 'How to fix image-alt' });
    expect(await help.getAttribute('href')).toMatch(
      /^https:\/\/dequeuniversity\.com\/rules\/axe\/4\.11\/image-alt/,
    );
    const shot = page.getByRole('img', { name: 'Screenshot' });
    await shot.waitFor();
    // A string runs in the page (this project's TypeScript has no DOM library).
    await page.waitForFunction(`document.querySelector('img[alt="Screenshot"]')?.naturalWidth === 1280`);
    await page
      .getByText(/rules axe-core could not decide|Nothing left to review/)
      .first()
      .waitFor();
    await screenshot(page, 'test-result-accessibility');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
