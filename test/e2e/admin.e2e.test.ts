import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerUser, type TestUser } from '../support/app.ts';
import { waitFor } from '../support/wait.ts';
import { hangEngine, sleepEngine } from '../queue/support/test-engines.ts';
import { seriousViolations } from './support/axe.ts';
import { describeE2E, screenshot, startE2E, type E2E } from './support/e2e.ts';

describeE2E('the admin pages', () => {
  let e2e: E2E;
  let admin: TestUser;

  beforeAll(async () => {
    // Samples every second, so the overview's charts have points by the time the admin looks.
    e2e = await startE2E({
      env: { MONITORING_INTERVAL: '1s' },
      extraEngines: [hangEngine(false), sleepEngine],
    });
    admin = await registerUser(e2e.app, `admin-${Date.now()}@example.test`);
    expect(admin.role).toBe('admin');
  }, 120_000);
  afterAll(async () => e2e?.close());

  const submit = async (type: string, url: string, options: Record<string, unknown> = {}) => {
    const res = await e2e.app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: admin.auth,
      payload: { type, url, options },
    });
    expect(res.statusCode).toBe(202);
    return res.json<{ testId: string }>().testId;
  };

  it('shows the admin the platform status, its instance and charts of the samples', async () => {
    const page = await e2e.newPage();
    await e2e.signIn(page, admin.email);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { level: 1, name: 'Platform overview' }).waitFor();
    const instances = page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: 'Last heartbeat' }) });
    await instances.getByRole('row').filter({ hasText: 'Up' }).first().waitFor();
    // A chart with points: the series API answered with samples and uPlot drew them.
    await page
      .locator('[data-samples]:not([data-samples="0"]):has(figure.chart[aria-label="Queue depth"])')
      .waitFor({
        timeout: 45_000,
      });
    await page
      .locator(
        '[data-samples]:not([data-samples="0"]):has(figure.chart[aria-label="Memory (largest process)"])',
      )
      .waitFor({
        timeout: 45_000,
      });
    // The picture: a taller window, so it shows the status, the components and the charts together.
    await page.setViewportSize({ width: 1280, height: 1400 });
    await screenshot(page, 'admin-overview');
  }, 90_000);

  it('lists a running job in the queue, and cancelling it moves it to cancelled', async () => {
    const done = await submit('sleep', `${e2e.target.url}/hello`, { ms: 50 });
    await waitFor(
      async () =>
        (await e2e.app.inject({ url: `/api/tests/${done}`, headers: admin.auth })).json<{ status: string }>()
          .status === 'completed',
      20_000,
      'the sleep test to complete',
    );
    const url = `${e2e.target.url}/page`;
    await submit('hang', url);
    const page = await e2e.newPage();
    await e2e.signIn(page, admin.email);
    await page.goto('/admin/queue');
    await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: url, exact: true }) });
    await row.getByText('Running', { exact: true }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'admin-queue');
    await row.getByRole('button', { name: `Cancel the test of ${url}` }).click();
    await row.getByText('Cancelled', { exact: true }).waitFor({ timeout: 30_000 });
    await expect(row.getByRole('button', { name: `Retry the test of ${url}` }).isVisible()).resolves.toBe(
      true,
    );
  }, 90_000);

  it("shows the API's refusal to demote the last admin, and changes another user's role", async () => {
    const other = await e2e.createAccount();
    const page = await e2e.newPage();
    await e2e.signIn(page, admin.email);
    await page.goto('/admin/users');
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();

    await page.getByLabel(`Role of ${admin.email}`).selectOption('user');
    await page.getByRole('alert').filter({ hasText: 'last active admin' }).waitFor();
    await expect(page.getByLabel(`Role of ${admin.email}`).inputValue()).resolves.toBe('admin');

    await page.getByLabel(`Role of ${other.email}`).selectOption('admin');
    await waitFor(
      async () => {
        const res = await e2e.app.inject({
          url: `/api/admin/users?q=${encodeURIComponent(other.email)}`,
          headers: admin.auth,
        });
        return res.json<{ items: Array<{ role: string }> }>().items[0]?.role === 'admin';
      },
      15_000,
      'the other user to become an admin',
    );
    await page.reload();
    await expect(page.getByLabel(`Role of ${other.email}`).inputValue()).resolves.toBe('admin');
  }, 90_000);

  it('shows a user who is not an admin the forbidden state at /admin', async () => {
    const { email } = await e2e.createAccount();
    const page = await e2e.newPage();
    await e2e.signIn(page, email);
    await expect(page.getByRole('link', { name: 'Admin' }).count()).resolves.toBe(0);
    await page.goto('/admin');
    await page
      .getByRole('alert')
      .filter({ hasText: 'You do not have access to this page.' })
      .first()
      .waitFor();
    await expect(page.getByRole('heading', { name: 'Platform overview' }).count()).resolves.toBe(0);
  }, 60_000);

  it('has no serious or critical axe violation on any admin page, with its panels open, in light and dark', async () => {
    // The registration e-mails are in the outbox by now: wait for one, so the outbox has a message to open.
    await waitFor(
      async () =>
        (await e2e.app.inject({ url: '/api/admin/outbox', headers: admin.auth })).json<{ items: unknown[] }>()
          .items.length > 0,
      20_000,
      'an e-mail in the outbox',
    );
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await e2e.newPage({ colorScheme });
      await e2e.signIn(page, admin.email);
      const check = async (what: string) => {
        await page.locator('.state-loading').first().waitFor({ state: 'detached', timeout: 20_000 });
        expect(await seriousViolations(page, 'main'), `${colorScheme} ${what}`).toEqual([]);
      };
      for (const path of ['/admin', '/admin/queue', '/admin/cache']) {
        await page.goto(path);
        await page.locator('main h1').waitFor();
        await check(path);
      }
      await page.goto('/admin/users');
      await page.getByRole('button', { name: `Daily test quota of ${admin.email}` }).click();
      await page.getByLabel('Tests per day').waitFor();
      await check('/admin/users with the quota panel');
      await page.goto('/admin/outbox');
      await page
        .getByRole('button', { name: /^View / })
        .first()
        .click();
      await page.getByRole('heading', { name: 'Plain text' }).waitFor();
      await check('/admin/outbox with a message open');
    }
  }, 120_000);
});
