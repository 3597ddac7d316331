import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { describeE2E, PASSWORD, screenshot, startE2E, type E2E } from './support/e2e.ts';

/** The link to `page` in the newest e-mail to `to`, once it has arrived. */
async function mailedLink(e2e: E2E, to: string, page: 'verify-email' | 'reset-password'): Promise<string> {
  const pattern = new RegExp(`${e2e.baseUrl}/${page}\\?token=[A-Za-z0-9_%-]+`);
  let link: string | undefined;
  await waitFor(
    () => {
      const mails = e2e.smtp.messages.filter((m) => m.envelope.to.includes(to.toLowerCase()));
      link = mails.map((m) => pattern.exec(m.text ?? '')?.[0]).findLast(Boolean);
      return !!link;
    },
    20_000,
    `a ${page} link e-mailed to ${to}`,
  );
  return link!;
}

describeE2E('the sign-in pages', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    await e2e.createAccount(); // the admin: the accounts below are ordinary users
  }, 120_000);
  afterAll(async () => e2e?.close());

  it('signs up with the server judging the password as it is typed, verifies the address, signs out and in again', async () => {
    const email = `signup-${Date.now()}@example.test`;
    const page = await e2e.newPage();
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Create one' }).click();
    await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
    await page.getByLabel('E-mail').fill(email);
    const meter = page.getByRole('meter', { name: 'Password strength' });
    await page.getByLabel('Password', { exact: true }).fill('letmein2024x');
    // The server's judgement (zxcvbn, PASSWORD_MIN_SCORE 3), in its own words.
    await page.getByText('Fair (2 of 4; 3 needed) Not strong enough yet.').waitFor();
    await page.getByText(/similar to a commonly used password/).waitFor();
    expect(await meter.getAttribute('aria-valuenow')).toBe('2');
    await screenshot(page, 'sign-up');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByText('Very strong (4 of 4; 3 needed) Good enough.').waitFor();
    expect(await meter.getAttribute('aria-valuenow')).toBe('4');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/tests$/);

    // The link of the welcome e-mail verifies the address.
    await page.goto(await mailedLink(e2e, email, 'verify-email'));
    await page.getByText(`${email} is verified.`).waitFor();
    // Followed twice, it says the link is spent.
    await page.reload();
    await page.getByText('This link is invalid, was already used or has expired.').waitFor();

    await page.getByRole('link', { name: 'Go to your tests' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin$/);
    await e2e.signIn(page, email);
    // Signed in, the sign-in page sends them on (to `next` when it is a path of this site).
    await page.goto('/signin?next=%2Fschedules');
    await page.waitForURL(/\/schedules$/);
  }, 120_000);

  it('says so when the password is wrong, in English and in Chinese', async () => {
    const { email } = await e2e.createAccount();
    const page = await e2e.newPage();
    await page.goto('/signin');
    await page.getByLabel('E-mail').fill(email);
    await screenshot(page, 'sign-in');
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Wrong e-mail or password.');
    expect(new URL(page.url()).pathname).toBe('/signin');

    const zh = await e2e.newPage({ locale: 'zh-CN' });
    await zh.goto('/signin');
    await zh.getByLabel('邮箱').fill(email);
    await zh.getByLabel('密码', { exact: true }).fill('not the password at all');
    await zh.getByRole('button', { name: '登录', exact: true }).click();
    await expect(zh.getByRole('alert').textContent()).resolves.toBe('邮箱或密码错误。');
  }, 60_000);

  it('resets a forgotten password through the e-mailed link, then signs in with the new one', async () => {
    const { email } = await e2e.createAccount();
    const page = await e2e.newPage();
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    // The sign-in form (with its own E-mail field) stays on screen while the lazy page loads: wait for the
    // new page, or the address goes into the old form and the new one is sent empty.
    await page.getByRole('heading', { level: 1, name: 'Reset your password' }).waitFor();
    await page.getByLabel('E-mail').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByRole('heading', { level: 1, name: 'Check your inbox' }).waitFor();

    await page.goto(await mailedLink(e2e, email, 'reset-password'));
    const fresh = 'a brand new passphrase 58';
    await page.getByLabel('New password').fill(fresh);
    await page.getByText(/Good enough\./).waitFor();
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.waitForURL(/\/signin$/);
    await page.getByText('Your password was changed. Sign in with the new one.').waitFor();
    await e2e.signIn(page, email, fresh);
  }, 90_000);

  it('asks for the authenticator code when the account has MFA on, and refuses a wrong one', async () => {
    const { email } = await e2e.createAccount();
    const login = await e2e.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    });
    const auth = { authorization: `Bearer ${login.json().accessToken}` };
    const setup = await e2e.app.inject({ method: 'POST', url: '/api/auth/mfa/setup', headers: auth });
    const totp = new TOTP({ secret: Secret.fromBase32(setup.json().secret) });
    const enable = await e2e.app.inject({
      method: 'POST',
      url: '/api/auth/mfa/enable',
      headers: auth,
      payload: { code: totp.generate() },
    });
    expect(enable.statusCode, enable.body).toBe(200);

    const page = await e2e.newPage();
    await page.goto('/signin?next=%2Fschedules');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/signin\/mfa$/); // the mfaToken is not in the address
    const wrong = String((Number(totp.generate()) + 500_000) % 1_000_000).padStart(6, '0');
    await page.getByLabel('Authentication code').fill(wrong);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code is not right. Check your app and try again.').waitFor();
    // The code of the next step: the one that enabled MFA is spent.
    await page.getByLabel('Authentication code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/schedules$/);

    // Opened directly, without a first step, the page says where to start.
    const direct = await e2e.newPage();
    await direct.goto('/signin/mfa');
    await direct.getByText('This step starts from the sign-in page.').waitFor();
  }, 90_000);
});
