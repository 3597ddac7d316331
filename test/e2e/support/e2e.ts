/**
 * The dashboard's end-to-end harness: the real app listening on a loopback port (serving web/dist, built
 * by the global setup), an SMTP sink for its e-mails, a loopback target for tests, and Debian's Chromium
 * driven by playwright-core (never a downloaded browser). Without Chromium the suites are skipped and say
 * why; CI installs it (.ci/run).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { describe } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../../src/app.ts';
import type { TestEngine } from '../../../src/engines/index.ts';
import { testConfig } from '../../support/app.ts';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.ts';
import { startFixtureServer, type FixtureServer } from '../../fixtures/target-server.fixture.ts';

export const PASSWORD = 'a sturdy passphrase 42';

const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/**
 * Writes docs/screenshots/<name>.png (shown in README and the guides) when UPDATE_SCREENSHOTS=1, so an
 * ordinary test run leaves the committed pictures alone: `UPDATE_SCREENSHOTS=1 npx vitest run test/e2e`.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** CHROMIUM_PATH, else the first of chromium, chromium-browser, google-chrome on PATH. */
export function findChromium(): string | null {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
      if (dir && existsSync(join(dir, name))) return join(dir, name);
    }
  }
  return null;
}

const CHROMIUM = findChromium();
if (!CHROMIUM)
  console.error('e2e: no Chromium (apt install chromium, or set CHROMIUM_PATH): dashboard suites skipped');

/** `describe` when Chromium is here, `describe.skip` (with the reason printed once) when not. */
export const describeE2E = CHROMIUM ? describe : describe.skip;

/** Flags that work as root and offline: without the networking ones Chromium keeps calling Google. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface E2E {
  app: FastifyInstance;
  /** http://127.0.0.1:<port> of the dashboard and API. */
  baseUrl: string;
  browser: Browser;
  smtp: SmtpSink;
  /** A loopback site to test (test/fixtures/target-server.fixture.ts: /page, /hello, /slow?ms=…). */
  target: FixtureServer;
  /** A new browser context (its own cookies) and page, 1280×800, in `colorScheme` (light by default). */
  newPage(options?: { colorScheme?: 'light' | 'dark'; locale?: string }): Promise<Page>;
  /** Registers an account through the API (the first of an app is the admin) and returns its address. */
  createAccount(email?: string): Promise<{ email: string; password: string }>;
  /** Signs in through the sign-in page and waits for the tests page. */
  signIn(page: Page, email: string, password?: string): Promise<void>;
  /** Submits a test as that account through the API (POST /api/tests, 202 expected); its id. */
  submitTest(email: string, payload: { type: string; url: string; options?: object }): Promise<string>;
  close(): Promise<void>;
}

let accounts = 0;

export interface E2EOptions {
  env?: Record<string, string>;
  /** Test-only engines (sleep, fail) beside the product's. */
  extraEngines?: TestEngine[];
}

/** Starts the app, the SMTP sink, the target and Chromium. Call in beforeAll; `close()` in afterAll. */
export async function startE2E({ env = {}, extraEngines }: E2EOptions = {}): Promise<E2E> {
  const [smtp, target, port] = await Promise.all([
    startSmtpSink({ all: true }),
    startFixtureServer(),
    freePort(),
  ]);
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = testConfig({
    PUBLIC_URL: baseUrl,
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    ...env,
  });
  const app = await buildApp({ config, extraEngines });
  await app.listen({ port, host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_ARGS });
  const contexts: BrowserContext[] = [];
  return {
    app,
    baseUrl,
    browser,
    smtp,
    target,
    async newPage({ colorScheme = 'light', locale = 'en-US' } = {}) {
      const context = await browser.newContext({
        baseURL: baseUrl,
        colorScheme,
        locale,
        viewport: { width: 1280, height: 800 },
      });
      context.setDefaultTimeout(20_000);
      contexts.push(context);
      return context.newPage();
    },
    async createAccount(email = `e2e${++accounts}-${Date.now()}@example.test`) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email, password: PASSWORD },
      });
      if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
      return { email, password: PASSWORD };
    },
    async signIn(page, email, password = PASSWORD) {
      await page.goto('/signin');
      await page.getByLabel(/e-mail|邮箱/i).fill(email);
      await page.getByLabel(/^password$|^密码$/i).fill(password);
      await page.getByRole('button', { name: /sign in|登录/i }).click();
      await page.waitForURL(/\/tests$/);
    },
    async submitTest(email, payload) {
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: PASSWORD },
      });
      const res = await app.inject({
        method: 'POST',
        url: '/api/tests',
        headers: { authorization: `Bearer ${login.json<{ accessToken: string }>().accessToken}` },
        payload,
      });
      if (res.statusCode !== 202) throw new Error(`submission failed: ${res.statusCode} ${res.body}`);
      return res.json<{ testId: string }>().testId;
    },
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await browser.close();
      await app.close();
      await Promise.allSettled([smtp.close(), target.close()]);
    },
  };
}
