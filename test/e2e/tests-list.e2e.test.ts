import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { waitFor } from '../support/wait.ts';
import { seriousViolations } from './support/axe.ts';
import { describeE2E, PASSWORD, screenshot, startE2E, type E2E } from './support/e2e.ts';

const UUID = /\/tests\/([0-9a-f-]{36})$/;

describeE2E('the tests history and the new-test form', () => {
  let e2e: E2E;
  let email: string;
  let page: Page;

  beforeAll(async () => {
    e2e = await startE2E({ env: { ALLOW_PRIVATE_TARGETS: 'true', STRESS_MAX_USERS: '5' } });
    await e2e.createAccount(); // the admin; the user below sees only their own tests
    ({ email } = await e2e.createAccount());
    page = await e2e.newPage();
    await e2e.signIn(page, email);
  }, 120_000);
  afterAll(async () => e2e?.close());

  /** Submits a test as the signed-in user would through the API (another tab, the CLI). */
  async function submitByApi(url: string): Promise<string> {
    const login = await e2e.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    });
    const { accessToken } = login.json<{ accessToken: string }>();
    const res = await e2e.app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: { authorization: `Bearer ${accessToken}` },
      payload: { type: 'api', url },
    });
    expect(res.statusCode, res.body).toBe(202);
    return res.json<{ testId: string }>().testId;
  }

  const rowsAre = (n: number) =>
    waitFor(async () => (await page.locator('tr[data-test-id]').count()) === n, 20_000, `${n} rows`);

  const chip = (testId: string, text: RegExp) =>
    page.locator(`tr[data-test-id="${testId}"] .chip`, { hasText: text });

  it('creates an api test from a preset, lands on its page, and the list follows a test to completed live', async () => {
    // A first visit: the empty history invites to create a test.
    await page.getByRole('link', { name: 'Create your first test' }).click();
    await page.waitForURL(/\/tests\/new$/);

    await page.getByLabel('URL', { exact: true }).fill(`${e2e.target.url}/hello`);
    await page.getByRole('radio', { name: /^api/ }).check();
    await page.getByRole('button', { name: 'GET returns 200 in < 500 ms' }).click();
    await page.getByRole('group', { name: 'Assertions 2' }).waitFor();
    await page.getByRole('button', { name: 'Run test' }).click();
    await page.waitForURL(UUID);
    const testId = UUID.exec(new URL(page.url()).pathname)![1]!;
    const stored = await e2e.app.database.db
      .selectFrom('test_queue')
      .select(['test_type', 'url', 'config'])
      .where('test_id', '=', testId)
      .executeTakeFirstOrThrow();
    expect(stored.test_type).toBe('api');
    expect(stored.url).toBe(`${e2e.target.url}/hello`);
    expect((stored.config as { assertions: unknown[] }).assertions).toHaveLength(2);

    // Back on the list through the navigation (no page load from here on).
    await page.evaluate('window.__sameDocument = true');
    await page.getByRole('link', { name: 'Tests', exact: true }).first().click();
    await page.waitForURL(/\/tests$/);
    await chip(testId, /^Completed$/).waitFor({ timeout: 30_000 });

    // A slower test submitted elsewhere appears, runs and completes on the open list.
    const slow = await submitByApi(`${e2e.target.url}/slow?ms=2500`);
    await chip(slow, /^(Queued|Running)/).waitFor({ timeout: 20_000 });
    await chip(slow, /^Completed$/).waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.__sameDocument === true')).toBe(true);

    // Two rows selected → Compare links to both.
    await page.getByRole('checkbox', { name: `Select ${e2e.target.url}/hello for comparison` }).check();
    await page
      .getByRole('checkbox', { name: `Select ${e2e.target.url}/slow?ms=2500 for comparison` })
      .check();
    const compare = page.getByRole('link', { name: 'Compare' });
    const href = (await compare.getAttribute('href'))!;
    expect(href).toContain(`a=${testId}`);
    expect(href).toContain(`b=${slow}`);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'tests-list');
  });

  it("shows the server's message under an out-of-range stress option", async () => {
    await page.goto('/tests/new');
    await page.getByRole('radio', { name: /^stress/ }).check();
    await page.getByRole('button', { name: 'Smoke load: 10 users, 30 s' }).click();
    await page.getByLabel('URL', { exact: true }).fill(`${e2e.target.url}/page`);
    const vus = page.getByLabel('Virtual users', { exact: true });
    expect(await vus.inputValue()).toBe('10');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'new-test');

    await vus.fill('50');
    await page.getByRole('button', { name: 'Run test' }).click();
    // Under the input, tied to it for screen readers, and the problem above the form.
    const message = page.locator('.field:has(input[name="vus"]) .field-error');
    await message.waitFor();
    expect(await message.textContent()).toMatch(/at most 5/);
    expect(await vus.getAttribute('aria-invalid')).toBe('true');
    expect(await vus.getAttribute('aria-describedby')).toContain((await message.getAttribute('id'))!);
    await page.locator('.form-error', { hasText: 'The test was not queued' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/tests/new');
  });

  it('keeps the filters in the address across a reload', async () => {
    await page.goto('/tests');
    await page.locator('tr[data-test-id]').first().waitFor();
    expect(await page.locator('tr[data-test-id]').count()).toBe(2);

    await page.getByLabel('URL contains').fill('HELLO');
    await page.waitForURL(/[?&]q=HELLO/);
    await page.getByLabel('Status').selectOption('completed');
    await page.waitForURL(/[?&]status=completed/);
    await rowsAre(1);
    expect(await page.locator('tr[data-test-id] a').textContent()).toBe(`${e2e.target.url}/hello`);

    await page.reload();
    await page.locator('tr[data-test-id]').first().waitFor();
    expect(await page.getByLabel('URL contains').inputValue()).toBe('HELLO');
    expect(await page.getByLabel('Status').inputValue()).toBe('completed');
    expect(await page.locator('tr[data-test-id]').count()).toBe(1);

    // A filter nothing matches says so and offers to clear.
    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No test matches these filters.').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await rowsAre(2);
    expect(new URL(page.url()).search).toBe('');
  });
});
