import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './support/axe.ts';
import { describeE2E, PASSWORD, screenshot, startE2E, type E2E } from './support/e2e.ts';
import { waitFor } from '../support/wait.ts';

describeE2E('one test, live, and its result', () => {
  let e2e: E2E;
  let email: string;
  let token: string;
  let page: Page;

  beforeAll(async () => {
    e2e = await startE2E({ env: { ALLOW_PRIVATE_TARGETS: 'true', STRESS_MAX_USERS: '5' } });
    await e2e.createAccount(); // the admin
    ({ email } = await e2e.createAccount());
    const login = await e2e.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    });
    token = login.json<{ accessToken: string }>().accessToken;
    page = await e2e.newPage();
    await e2e.signIn(page, email);
  }, 120_000);
  afterAll(async () => e2e?.close());

  /** Submits a test as the signed-in user would from another tab or the CLI. */
  async function submit(type: string, url: string, options: object): Promise<string> {
    const res = await e2e.app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: { authorization: `Bearer ${token}` },
      payload: { type, url, options },
    });
    expect(res.statusCode, res.body).toBe(202);
    return res.json<{ testId: string }>().testId;
  }

  async function statusOf(testId: string): Promise<string> {
    const res = await e2e.app.inject({
      method: 'GET',
      url: `/api/tests/${testId}`,
      headers: { authorization: `Bearer ${token}` },
    });
    return res.json<{ status: string }>().status;
  }

  const apiOptions = { assertions: [{ source: 'status', comparison: 'equals', target: 200 }] };
  const status = () => page.locator('.tv-status .chip').first();
  const rpsPoints = async () =>
    Number(
      await page
        .getByRole('figure', { name: 'Requests per second' })
        .locator('[data-points]')
        .getAttribute('data-points'),
    );

  it('follows an api test to completed live and shows its assertions table', async () => {
    // A slow answer keeps it running for a while: the page must learn of the end over /ws, not a reload.
    const testId = await submit('api', `${e2e.target.url}/slow?ms=2500`, apiOptions);
    await page.goto(`/tests/${testId}`);
    await page.getByRole('heading', { level: 1, name: 'api test' }).waitFor();
    expect(await status().textContent()).toMatch(/Queued|Running/);
    await page.locator('.tv-status .chip', { hasText: 'Completed' }).waitFor({ timeout: 30_000 });
    const table = page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Expected' }) });
    const row = table.getByRole('row').nth(1);
    await expect(row.getByRole('cell').nth(1).textContent()).resolves.toContain('status equals');
    await expect(row.getByRole('cell').nth(2).textContent()).resolves.toBe('200');
    await expect(row.getByRole('cell').nth(3).textContent()).resolves.toBe('200');
    await expect(row.getByRole('cell').nth(4).textContent()).resolves.toBe('Pass');
    await page.locator('.tv-verdict .chip', { hasText: 'Passed' }).waitFor();
    await screenshot(page, 'test-result-api');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("draws a stress test's per-second charts as it runs, and after a reload keeps the earlier points", async () => {
    const testId = await submit('stress', `${e2e.target.url}/hello`, { vus: 2, duration: '7s' });
    await page.goto(`/tests/${testId}`);
    await page.getByRole('heading', { level: 1, name: 'stress test' }).waitFor();
    const first = await waitFor(
      async () => ((await rpsPoints()) >= 2 ? rpsPoints() : undefined),
      20_000,
      '2 points',
    );
    await waitFor(async () => ((await rpsPoints()) > first ? true : undefined), 10_000, 'a point more');
    await screenshot(page, 'test-stress-live');
    expect(await seriousViolations(page)).toEqual([]);
    const before = await rpsPoints();
    await page.reload();
    await page.getByRole('figure', { name: 'Requests per second' }).waitFor();
    // Still running, and the chart holds what was drawn before the reload (from GET /api/tests/:id/live).
    const after = await waitFor(
      async () => ((await rpsPoints()) > 0 ? rpsPoints() : undefined),
      5_000,
      'points',
    );
    expect(await statusOf(testId)).toBe('running');
    expect(after).toBeGreaterThanOrEqual(before);
    // Then the result: the stored series, the summary figures.
    await page.locator('.tv-status .chip', { hasText: 'Completed' }).waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'Latency percentiles' }).waitFor();
    expect(await rpsPoints()).toBeGreaterThanOrEqual(after);
  });

  it('cancels a running stress test from its page', async () => {
    const testId = await submit('stress', `${e2e.target.url}/hello`, { vus: 1, duration: '60s' });
    await page.goto(`/tests/${testId}`);
    await page.locator('.tv-status .chip', { hasText: 'Running' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Cancel test' }).click();
    await page.locator('.tv-status .chip', { hasText: 'Cancelled' }).waitFor();
    await page.getByRole('button', { name: 'Run again' }).waitFor();
    expect(await statusOf(testId)).toBe('cancelled');
  });

  it('compares two runs metric by metric', async () => {
    const a = await submit('api', `${e2e.target.url}/hello`, apiOptions);
    const b = await submit('api', `${e2e.target.url}/slow?ms=300`, apiOptions);
    for (const id of [a, b])
      await waitFor(
        async () => ((await statusOf(id)) === 'completed' ? true : undefined),
        30_000,
        'completed',
      );
    // From the second run's page, choose the first as the other side.
    await page.goto(`/tests/${b}`);
    await page.getByLabel('Other run').selectOption(a);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.waitForURL(/\/tests\/compare\?a=/);
    await page.getByRole('heading', { level: 1, name: 'Compare two runs' }).waitFor();
    const row = page.locator('tr[data-metric="response_time_ms"]');
    await row.waitFor();
    // B waited 300 ms more: slower, shown as worse, with a positive difference.
    await expect(row.locator('td.tv-worse').first().textContent()).resolves.toMatch(/^\+/);
    await page.getByRole('heading', { name: 'Findings only in A' }).waitFor();
    await screenshot(page, 'compare');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
