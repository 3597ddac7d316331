/**
 * bench/dashboard: how fast the dashboard's first page is, in Debian's Chromium on loopback.
 *
 * - Time to interactive of the sign-in page (navigation start → the "Sign in" button rendered by React),
 *   median of 15 cold loads (a new browser context each: nothing cached), against the baseline of the
 *   same server's bare HTML landing page (navigation start → load) in the same run.
 * - The first page's JavaScript, gzipped, against the 250 KiB budget; the build's duration.
 *
 * Targets (issue 15): sign-in interactive < 1 s on loopback; first page JS ≤ 250 KiB gzipped; build < 60 s.
 */
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { buildWeb, firstPageJsBytes } from '../../scripts/web-build.ts';
import { CHROMIUM_ARGS, findChromium } from '../../test/e2e/support/e2e.ts';

const LOADS = 15;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const chromiumPath = findChromium();
if (!chromiumPath) {
  console.log('bench/dashboard: no Chromium (apt install chromium); skipped');
  console.log(`BENCH_RESULT ${JSON.stringify({ name: 'dashboard', error: 'no Chromium' })}`);
  process.exit(0);
}

const buildStarted = Date.now();
await buildWeb();
const buildMs = Date.now() - buildStarted;
const js = firstPageJsBytes();

const { config } = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: 'memory://',
  JWT_SECRET: 'x'.repeat(40),
  ENCRYPTION_KEY: 'y'.repeat(40),
});
const app = await buildApp({ config, worker: false });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
// The baseline: a bare Node server answering a bare HTML page, loaded by the same browser.
const bare = createServer((_req, res) =>
  res
    .writeHead(200, { 'content-type': 'text/html' })
    .end('<!doctype html><title>x</title><button>Sign in</button>'),
);
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;

const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
async function timeToButton(url: string): Promise<number> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  const ms = (await page.evaluate('performance.now()')) as number;
  await context.close();
  return ms;
}
const signIn: number[] = [];
const baseline: number[] = [];
await timeToButton(`${address}/signin`); // warm the server's file cache and the browser binary
for (let i = 0; i < LOADS; i++) {
  baseline.push(await timeToButton(bareUrl));
  signIn.push(await timeToButton(`${address}/signin`));
}
await browser.close();
await app.close();
bare.close();

const result = {
  name: 'dashboard',
  baseline: { bare_page_interactive_ms_p50: median(baseline) },
  measured: {
    signin_interactive_ms_p50: median(signIn),
    signin_interactive_ms_max: Math.max(...signIn),
    first_page_js_gzip_kib: Math.round(js.bytes / 1024),
    build_ms: buildMs,
  },
  ratios: { signin_vs_bare_page: median(signIn) / median(baseline) },
  targets: { signin_interactive_ms: 1000, first_page_js_gzip_kib: 250, build_ms: 60_000 },
};
console.log(
  `sign-in interactive: p50 ${median(signIn).toFixed(0)} ms (max ${Math.max(...signIn).toFixed(0)} ms) vs bare page p50 ${median(baseline).toFixed(0)} ms; ` +
    `first page JS ${result.measured.first_page_js_gzip_kib} KiB gzipped (${js.files.length} files); build ${buildMs} ms`,
);
console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
