import { afterAll, beforeAll, expect, it } from 'vitest';
import * as OTPAuth from 'otpauth';
import { seriousViolations } from './support/axe.ts';
import { describeE2E, PASSWORD, screenshot, startE2E, type E2E } from './support/e2e.ts';

describeE2E('notifications and the account', () => {
  let e2e: E2E;
  let adminToken: string;

  beforeAll(async () => {
    e2e = await startE2E();
    // The first account of the app is the admin, who broadcasts the announcements below.
    const admin = await e2e.createAccount();
    const res = await e2e.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: admin.email, password: PASSWORD },
    });
    adminToken = (res.json() as { accessToken: string }).accessToken;
  }, 120_000);
  afterAll(async () => e2e?.close());

  async function broadcast(title: string, content: string, actionUrl?: string) {
    const res = await e2e.app.inject({
      method: 'POST',
      url: '/api/admin/notifications/broadcast',
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { title, content, ...(actionUrl ? { actionUrl } : {}) },
    });
    expect(res.statusCode).toBe(202);
  }

  it('counts new notifications on the bell without a reload, and clears it when the inbox is marked read', async () => {
    const { email } = await e2e.createAccount();
    const page = await e2e.newPage();
    await e2e.signIn(page, email);
    await page.getByRole('link', { name: 'Notifications, 0 unread' }).waitFor();

    // A test of this user finishes: its outcome arrives on the bell.
    const login = await e2e.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    });
    const { accessToken } = login.json<{ accessToken: string }>();
    const run = await e2e.app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: { authorization: `Bearer ${accessToken}` },
      payload: { type: 'api', url: `${e2e.target.url}/hello` },
    });
    expect(run.statusCode, run.body).toBe(202);
    const { testId } = run.json<{ testId: string }>();
    await page.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor({ timeout: 60_000 });
    // Then an announcement to everyone.
    await broadcast(
      'Scheduled maintenance on Sunday',
      'The dashboard will be read-only from 02:00 to 03:00 UTC while the database is upgraded.',
    );
    await page.getByRole('link', { name: 'Notifications, 2 unread' }).waitFor({ timeout: 30_000 });
    await broadcast(
      'New: compare two test runs',
      'Pick two runs of a test to see their metrics side by side.',
      '/tests',
    );
    await page.getByRole('link', { name: 'Notifications, 3 unread' }).waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe('/tests'); // no navigation, no reload

    await page.getByRole('link', { name: /^Notifications, 3 unread$/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const items = page.locator('.inbox-item');
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(3);
    expect(await page.locator('.inbox-item.unread').count()).toBe(3);
    await page.getByRole('button', { name: /^Test completed: api / }).waitFor();
    await page.getByRole('button', { name: /^New: compare two test runs/ }).waitFor();
    await screenshot(page, 'inbox');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByRole('link', { name: 'Notifications, 0 unread' }).waitFor();
    await expect.poll(() => page.locator('.inbox-item.unread').count(), { timeout: 20_000 }).toBe(0);
    expect(await items.count()).toBe(3);

    // Opening a notification follows its link: a test's outcome leads to the test.
    await page.getByRole('button', { name: /^Test completed: api / }).click();
    await page.waitForURL(new RegExp(`/tests/${testId}$`));
  }, 120_000);

  it('turns on two-factor authentication from the account page, and sign-in then asks for a code', async () => {
    const { email } = await e2e.createAccount();
    const page = await e2e.newPage();
    await e2e.signIn(page, email);
    await page.goto('/account/security');
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    const secret = (await page.getByTestId('mfa-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await screenshot(page, 'account-mfa');
    expect(await seriousViolations(page)).toEqual([]);

    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) });
    await page.getByLabel('Authenticator code').fill(totp.generate());
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Your backup codes' }).getByRole('listitem');
    await expect.poll(() => codes.count(), { timeout: 20_000 }).toBe(10);
    await page.getByText('Two-factor authentication is on.').waitFor();
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await expect.poll(() => codes.count()).toBe(0); // shown once

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin/);
    await page.getByLabel(/e-mail/i).fill(email);
    await page.getByLabel(/^password$/i).fill(PASSWORD);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(/\/signin\/mfa/);
    // The code of the next 30 s step: the one that enabled MFA is spent (replay), its neighbours are accepted.
    await page.getByLabel(/^authentication code$/i).fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: /^verify$/i }).click();
    await page.waitForURL(/\/tests$/);
    await page.getByRole('link', { name: /Notifications, \d+ unread/ }).waitFor();
  }, 120_000);

  it('creates an API token that is shown once and works, then revokes it', async () => {
    const { email } = await e2e.createAccount();
    const page = await e2e.newPage();
    await e2e.signIn(page, email);
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByText('No API tokens yet.').waitFor();

    await page.getByLabel('Name').fill('ci-nightly');
    await page.getByRole('checkbox', { name: /tests:write/ }).check();
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByTestId('new-token');
    await shown.waitFor();
    const token = (await shown.textContent())!.trim();
    expect(token).toMatch(/^tw_/);
    await page.getByRole('row', { name: /ci-nightly/ }).waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'api-tokens');
    expect(await seriousViolations(page)).toEqual([]);

    const use = () =>
      e2e.app.inject({ method: 'GET', url: '/api/tests', headers: { authorization: `Bearer ${token}` } });
    expect((await use()).statusCode).toBe(200);

    await page.getByRole('button', { name: 'I have stored it' }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(token);

    const row = page.getByRole('row', { name: /ci-nightly/ });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Revoke “ci-nightly” now' }).click();
    await page.getByText('No API tokens yet.').waitFor();
    expect((await use()).statusCode).toBe(401);
  }, 120_000);

  it('has no serious or critical axe violation on the account tabs and the notification preferences, light and dark', async () => {
    const { email } = await e2e.createAccount();
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await e2e.newPage({ colorScheme });
      await e2e.signIn(page, email);
      for (const [path, heading] of [
        ['/account', 'Profile'],
        ['/account/security', 'Two-factor authentication'],
        ['/account/providers', 'Sign-in providers'],
        ['/account/sessions', 'Sessions'],
        ['/account/tokens', 'Your API tokens'],
        ['/notifications/preferences', 'By type'],
      ] as const) {
        await page.goto(path);
        await page.getByRole('heading', { name: heading }).waitFor();
        await page
          .getByRole('status')
          .filter({ hasText: /loading/i })
          .first()
          .waitFor({ state: 'detached' });
        expect(await seriousViolations(page), `${path} (${colorScheme})`).toEqual([]);
      }
    }
  }, 180_000);

  it('saves the display name and the Chinese locale, and switches the dashboard to Chinese', async () => {
    const { email } = await e2e.createAccount();
    const page = await e2e.newPage();
    await e2e.signIn(page, email);
    await page.goto('/account');
    await page.getByLabel('Display name').fill('Ada Lovelace');
    await page.getByRole('combobox', { name: 'Language', exact: true }).last().selectOption('zh-CN');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 1, name: '账户' }).waitFor();
    await page.getByRole('link', { name: /^通知，0 条未读$/ }).waitFor();
    const me = await e2e.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    });
    expect(me.json<{ user: { displayName: string; locale: string } }>().user).toMatchObject({
      displayName: 'Ada Lovelace',
      locale: 'zh-CN',
    });
  }, 120_000);
});
