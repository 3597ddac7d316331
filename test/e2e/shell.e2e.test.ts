import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeE2E, startE2E, type E2E } from './support/e2e.ts';

describeE2E('the dashboard shell', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  }, 120_000);
  afterAll(async () => e2e?.close());

  it('sends a signed-out visitor to sign-in, then back where they were going, and keeps them signed in across a reload', async () => {
    const { email } = await e2e.createAccount();
    const page = await e2e.newPage();
    await page.goto('/schedules');
    await page.waitForURL(/\/signin\?next=%2Fschedules/);
    await page.getByLabel(/e-mail/i).fill(email);
    await page.getByLabel(/^password$/i).fill('a sturdy passphrase 42');
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(/\/schedules$/);
    await page.reload();
    await page.getByRole('link', { name: 'Tests' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/schedules');
    // The refresh token is an HttpOnly cookie: script on the page cannot read it, nor find it stored.
    expect(await page.evaluate('document.cookie')).not.toContain('testweb_refresh');
    expect(await page.evaluate('JSON.stringify(localStorage)')).not.toMatch(/eyJ|refresh/i);
  });
});
