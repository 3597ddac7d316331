/**
 * The lighthouse result view in the dashboard: a lighthouse test run by the product on the LCP fixture
 * page, then its page as a user sees it: the category gauge, the Web Vitals in Lighthouse's bands, the
 * filmstrip and final screenshot loaded from the stored artifacts, and the link to the HTML report.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLighthouseFixture, type LighthouseFixture } from '../engines/lighthouse-fixtures.ts';
import { seriousViolations } from './support/axe.ts';
import { describeE2E, screenshot, startE2E, type E2E } from './support/e2e.ts';

describeE2E('the lighthouse result view', () => {
  let e2e: E2E;
  let fx: LighthouseFixture;
  beforeAll(async () => {
    [e2e, fx] = await Promise.all([startE2E(), startLighthouseFixture()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([e2e?.close(), fx?.close()]);
  });

  it('shows the gauges, the Web Vitals in their bands, the filmstrip, the final screenshot and the report link', async () => {
    const { email } = await e2e.createAccount();
    const testId = await e2e.submitTest(email, {
      type: 'lighthouse',
      url: `${fx.url}/lcp`,
      options: { categories: ['performance'], formFactor: 'desktop', throttling: 'none' },
    });
    const page = await e2e.newPage();
    await e2e.signIn(page, email);
    await page.goto(`/tests/${testId}`);
    await page.locator('.tv-status .chip', { hasText: 'Completed' }).waitFor({ timeout: 120_000 });
    await page.getByRole('img', { name: /^Performance: \d+$/ }).waitFor();
    // LCP ≈ 1.2 s on desktop: between Lighthouse's desktop "good" (1.2 s) and "poor" (2.4 s) marks or just good.
    const lcp = page.locator('.tv-metric', { hasText: 'Largest Contentful Paint' });
    await lcp.getByText(/^(Good|Needs improvement)$/).waitFor();
    await page
      .locator('.tv-metric', { hasText: 'Cumulative Layout Shift' })
      .getByText('Good', { exact: true })
      .waitFor();
    const frames = page.getByRole('list', { name: 'Filmstrip' }).getByRole('img');
    await frames.first().waitFor();
    expect(await frames.count()).toBeGreaterThan(2);
    // As a string: the server's TypeScript has no DOM types.
    await page.waitForFunction(
      `[...document.querySelectorAll('img[alt="Final screenshot"]')].some((img) => img.naturalWidth > 0)`,
    );
    const report = page.getByRole('link', { name: 'Open the Lighthouse report' });
    expect(await report.getAttribute('href')).toMatch(/\/artifacts\/lighthouse-report\.html\?/);
    await page.getByRole('link', { name: 'Lighthouse result (JSON)' }).waitFor();
    await screenshot(page, 'test-result-lighthouse');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
