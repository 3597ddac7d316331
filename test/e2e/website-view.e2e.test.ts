/**
 * The website audit's result view in the dashboard: a website test run by the product on a loopback page
 * (Lighthouse and axe in Chromium), then its page as a user sees it: the parts side by side with their
 * gauges and statuses, and each part's own view unfolded with its files found under the part's prefix.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWebsiteFixture, type WebsiteFixture } from '../engines/website-fixtures.ts';
import { seriousViolations } from './support/axe.ts';
import { describeE2E, screenshot, startE2E, type E2E } from './support/e2e.ts';

describeE2E('the website result view', () => {
  let e2e: E2E;
  let fx: WebsiteFixture;
  beforeAll(async () => {
    [e2e, fx] = await Promise.all([startE2E(), startWebsiteFixture()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([e2e?.close(), fx?.close()]);
  });

  it('shows the parts side by side, and each part in its own view with its own files', async () => {
    const { email } = await e2e.createAccount();
    const testId = await e2e.submitTest(email, {
      type: 'website',
      url: `${fx.url}/`,
      options: { parts: ['performance', 'accessibility'], lighthouse: { formFactor: 'desktop' } },
    });
    const page = await e2e.newPage();
    await e2e.signIn(page, email);
    await page.goto(`/tests/${testId}`);
    await page.locator('.tv-status .chip', { hasText: 'Completed' }).waitFor({ timeout: 150_000 });
    const parts = page.getByRole('list', { name: 'Parts of the audit' });
    await parts.getByRole('img', { name: /^Performance: \d+$/ }).waitFor();
    await parts.getByRole('img', { name: /^Accessibility: \d+$/ }).waitFor();
    expect(await parts.locator('.chip', { hasText: 'Completed' }).count()).toBe(2);
    // The image without alt on the fixture page, prefixed with its part.
    await page.getByText('[accessibility] ', { exact: false }).first().waitFor();
    await screenshot(page, 'test-result-website');

    await page.getByText('Performance in detail (lighthouse)').click();
    const report = page.getByRole('link', { name: 'Open the Lighthouse report' });
    expect(await report.getAttribute('href')).toMatch(/\/artifacts\/performance-lighthouse-report\.html\?/);
    await page.getByRole('list', { name: 'Filmstrip' }).getByRole('img').first().waitFor();
    await page.getByText('Accessibility in detail (accessibility)').click();
    await page.waitForFunction(
      `[...document.querySelectorAll('img')].some((img) => img.src.includes('/artifacts/accessibility-screenshot.png') && img.naturalWidth > 0)`,
    );
    expect(await seriousViolations(page)).toEqual([]);
  });
});
