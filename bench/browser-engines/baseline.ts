/**
 * The baselines of bench/browser-engines, measured in the same run: Lighthouse and axe-core driven
 * directly (chrome-launcher + lighthouse(), playwright-core + AxeBuilder) on the same page with the same
 * Chromium flags, without the platform's pool, proxy, queue or result mapping. The engines' wall times are
 * reported as ratios of these.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import * as chromeLauncher from 'chrome-launcher';
import { chromium } from 'playwright-core';

const FLAGS = [
  '--headless=new',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

export const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Bench page</h1><p>${'Some text. '.repeat(200)}</p></main></body></html>`;

/** A page server on 127.0.0.1 serving PAGE at /. */
export async function startPageServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** One Lighthouse run (performance only, desktop, no throttling) in a freshly launched Chromium; wall ms. */
export async function rawLighthouse(url: string, chromePath: string): Promise<number> {
  const started = performance.now();
  const { default: lighthouse } = await import('lighthouse');
  const { default: desktop } = await import('lighthouse/core/config/desktop-config.js');
  const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: FLAGS, logLevel: 'silent' });
  try {
    await lighthouse(
      url,
      {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance'],
        throttlingMethod: 'provided',
      },
      desktop,
    );
  } finally {
    chrome.kill();
  }
  return performance.now() - started;
}

/** One axe-core audit (wcag2a + wcag2aa) in a freshly launched Chromium; wall ms. */
export async function rawAxe(url: string, executablePath: string): Promise<number> {
  const started = performance.now();
  const browser = await chromium.launch({
    executablePath,
    args: FLAGS.filter((f) => f !== '--headless=new'),
  });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url, { waitUntil: 'load' });
    await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  } finally {
    await browser.close();
  }
  return performance.now() - started;
}
