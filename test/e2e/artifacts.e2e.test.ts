/**
 * A result's files in the dashboard: the screenshot loads as a thumbnail through its signed link (the
 * page's token is in memory, an <img> cannot send it), and the HTML report opens in a new tab where its
 * inline script runs in an opaque origin: it cannot read the dashboard's storage.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Type } from 'typebox';
import type { TestEngine } from '../../src/engines/index.ts';
import { waitFor } from '../support/wait.ts';
import { describeE2E, PASSWORD, startE2E, type E2E } from './support/e2e.ts';

const PNG = readFileSync(new URL('../../docs/screenshots/sign-in.png', import.meta.url));
const REPORT = `<!doctype html><html><head><title>report</title></head><body><h1>Report</h1><script>
  document.body.dataset.ran = 'yes';
  document.body.dataset.origin = String(self.origin);
  try { localStorage.getItem('x'); document.body.dataset.storage = 'readable'; }
  catch (e) { document.body.dataset.storage = 'blocked'; }
</script></body></html>`;

const filesEngine: TestEngine = {
  name: 'files',
  description: 'test only: a screenshot and an HTML report',
  options: Type.Object({}, { additionalProperties: false }),
  async run() {
    return {
      summary: 'two files',
      metrics: {},
      findings: [],
      details: {},
      artifacts: [
        { name: 'screenshot.png', contentType: 'image/png', data: PNG, label: 'Screenshot' },
        { name: 'report.html', contentType: 'text/html', data: Buffer.from(REPORT), label: 'Full report' },
      ],
    };
  },
};

describeE2E('result files in the dashboard', () => {
  let e2e: E2E;
  let page: Page;
  let testId: string;

  beforeAll(async () => {
    e2e = await startE2E({ extraEngines: [filesEngine] });
    await e2e.createAccount(); // the admin
    const { email } = await e2e.createAccount();
    const login = await e2e.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    });
    const auth = { authorization: `Bearer ${login.json<{ accessToken: string }>().accessToken}` };
    const res = await e2e.app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: auth,
      payload: { type: 'files', url: `${e2e.target.url}/page`, options: {} },
    });
    testId = res.json<{ testId: string }>().testId;
    await waitFor(
      async () =>
        (await e2e.app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: auth })).json<{
          status: string;
        }>().status === 'completed',
      20_000,
      'the files test to complete',
    );
    page = await e2e.newPage();
    await e2e.signIn(page, email);
  }, 120_000);
  afterAll(async () => e2e?.close());

  it('shows the screenshot as a loaded thumbnail and the report as a link with its size', async () => {
    await page.goto(`/tests/${testId}`);
    const files = page.getByRole('region', { name: 'Files' });
    const img = files.getByRole('img', { name: 'Screenshot' });
    await img.waitFor();
    await expect
      .poll(
        () =>
          img.evaluate((el) => {
            // The server's tsconfig has no DOM types: the image element as far as this check reads it.
            const image = el as unknown as { complete: boolean; naturalWidth: number };
            return image.complete && image.naturalWidth;
          }),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(100);
    await expect(files.getByRole('link', { name: 'Full report' }).isVisible()).resolves.toBe(true);
    await expect(files.textContent()).resolves.toContain('report.html · text/html');
  });

  it('opens the report in a new tab, where its script runs sandboxed, away from the dashboard', async () => {
    await page.goto(`/tests/${testId}`);
    const [report] = await Promise.all([
      page.context().waitForEvent('page'),
      page.getByRole('link', { name: 'Full report' }).click(),
    ]);
    await report.locator('body[data-ran="yes"]').waitFor();
    const body = report.locator('body');
    expect(await body.getAttribute('data-storage')).toBe('blocked');
    expect(await body.getAttribute('data-origin')).toBe('null');
    await report.close();
  });
});
