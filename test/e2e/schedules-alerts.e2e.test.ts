import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitFor } from '../support/wait.ts';
import { seriousViolations } from './support/axe.ts';
import { describeE2E, PASSWORD, screenshot, startE2E, type E2E } from './support/e2e.ts';

describeE2E('schedules and alerts in the dashboard', () => {
  let e2e: E2E;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    e2e = await startE2E({ env: { ALLOW_PRIVATE_TARGETS: 'true' } });
    await e2e.createAccount(); // the admin
    const { email } = await e2e.createAccount();
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

  const get = async <T>(url: string) =>
    (await e2e.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).json<T>();

  it('creates a cron schedule through the form with a preview of its next five runs, runs it now and charts its history', async () => {
    await page.goto('/schedules');
    await page.getByText(/no schedules yet/i).waitFor();
    await page.getByRole('link', { name: 'New schedule' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'New schedule' }).waitFor();
    await page.getByLabel('Name').fill('Homepage every weekday');
    await page.getByLabel('URL').fill(`${e2e.target.url}/hello`);
    await page.getByLabel('Test type').selectOption('api');
    // The engine's defaults fill the options.
    await expect.poll(() => page.getByLabel('Options (JSON)').inputValue()).toContain('"timeoutMs": 10000');
    await page.getByLabel('Cron expression', { exact: true }).first().check();
    await page.getByRole('textbox', { name: 'Cron expression' }).fill('30 9 * * 1-5');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    const preview = page.getByRole('region', { name: 'Next five runs' });
    await preview.getByText(/09:30.*Monday through Friday/).waitFor();
    await expect.poll(() => preview.getByRole('listitem').count()).toBe(5);
    // A malformed expression says so instead of dates.
    await page.getByRole('textbox', { name: 'Cron expression' }).fill('61 9 * * *');
    await preview.getByText(/not valid/).waitFor();
    await page.getByRole('textbox', { name: 'Cron expression' }).fill('30 9 * * 1-5');
    await expect.poll(() => preview.getByRole('listitem').count()).toBe(5);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save schedule' }).click();

    await page.getByRole('heading', { level: 1, name: 'Homepage every weekday' }).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop()!;
    // Run it now twice (one after the other) so the history has points.
    for (let i = 0; i < 2; i++) {
      await page.getByRole('button', { name: 'Run now: Homepage every weekday' }).click();
      const link = page.getByRole('link', { name: 'View the test' });
      const testId = (await link.getAttribute('href'))!.split('/').pop()!;
      await waitFor(
        async () => (await get<{ status: string }>(`/api/tests/${testId}`)).status === 'completed',
        30_000,
        'the scheduled run completed',
      );
    }
    await page.reload();
    const chart = page.getByRole('figure', { name: /response_time_ms over the last 7 days/ });
    await chart.waitFor();
    await expect
      .poll(async () => Number(await chart.locator('[data-points]').getAttribute('data-points')))
      .toBeGreaterThan(0);
    await page.getByRole('table').getByRole('link', { name: 'Open' }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'schedule-detail');

    await page.goto('/schedules');
    const row = page.getByRole('row', { name: /Homepage every weekday/ });
    await row.getByText('30 9 * * 1-5 (Europe/Berlin)').waitFor();
    await row.getByText('passed').waitFor();
    await row.getByRole('button', { name: 'Pause: Homepage every weekday' }).click();
    await row.getByText('paused', { exact: true }).waitFor();
    expect((await get<{ enabled: boolean }>(`/api/schedules/${id}`)).enabled).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'schedules');
  });

  it('creates an alert rule in the editor, sees a breach appear in the history live, and acknowledges it', async () => {
    await page.goto('/alerts/rules/new');
    await page.getByRole('heading', { level: 1, name: 'New alert rule' }).waitFor();
    await page.getByLabel('Name').fill('Slow API');
    await page.getByLabel('Test type').selectOption('api');
    await page.getByLabel('Metric').fill('response_time_mss');
    await page.getByLabel('Condition').selectOption('gt');
    await page.getByLabel('Threshold').fill('150');
    await page.getByLabel('URL glob').fill(`${e2e.target.url}/**`);
    await page.getByRole('button', { name: 'Save rule' }).click();
    // The server's "did you mean" lands on the metric input.
    const metric = page.getByLabel('Metric');
    await expect.poll(() => metric.getAttribute('aria-invalid')).toBe('true');
    await page
      .getByText(/did you mean response_time_ms/)
      .first()
      .waitFor();
    await metric.fill('response_time_ms');
    await page.getByText('Time of every step together, ms (ms)').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'alert-rule-editor');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit alert rule' }).waitFor();

    await page
      .getByRole('navigation', { name: 'Alerts sections' })
      .getByRole('link', { name: 'History' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Alert history' }).waitFor({ timeout: 30_000 });
    await page.getByText(/no alerts match/i).waitFor({ timeout: 30_000 });
    // A real api test of a slow page breaches the threshold; the history shows it without a reload.
    const bell = page.locator('[data-unread]');
    const unreadBefore = Number(await bell.getAttribute('data-unread'));
    const res = await e2e.app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: { authorization: `Bearer ${token}` },
      payload: { type: 'api', url: `${e2e.target.url}/slow?ms=300` },
    });
    expect(res.statusCode, res.body).toBe(202);
    const row = page.getByRole('row', { name: /firing/ });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('cell', { name: /^response_time_ms = / }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'alerts-history');
    await row.getByRole('button', { name: /^Acknowledge/ }).click();
    await row.getByText(/acknowledged/).waitFor();
    const history = await get<{ items: Array<{ acknowledgedAt: string | null }> }>('/api/alerts/history');
    expect(history.items[0]!.acknowledgedAt).not.toBeNull();
    // The rule's in-app channel: the header's badge went up without a reload, and the inbox names the alert.
    await expect
      .poll(async () => Number(await bell.getAttribute('data-unread')), { timeout: 30_000 })
      .toBeGreaterThan(unreadBefore);
    await bell.click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page
      .getByText(/Slow API/)
      .first()
      .waitFor({ timeout: 30_000 });
  });
});
