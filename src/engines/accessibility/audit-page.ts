import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { BrowserSession } from '../browser/index.ts';
import { NonRetryableError, type EngineContext } from '../engine.ts';
import type { AccessibilityOptions } from './accessibility.options.ts';
import type { AxeRun } from './axe-results.ts';
import { STANDARD_TAGS } from './standards.ts';

type Ctx = EngineContext<AccessibilityOptions>;

/** Longest wait for the network to go quiet: pages that poll or stream never do, and are audited anyway. */
export const NETWORK_IDLE_MAX_MS = 10_000;
/** A viewport screenshot above this is left out (a 4K photo page); the result says so. */
export const MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024;

export interface PageAudit {
  axe: AxeRun;
  finalUrl: string;
  status: number;
  title: string;
  networkIdle: boolean;
  timings: { loadMs: number; idleMs: number; waitForMs: number; auditMs: number };
  screenshot: Buffer | null;
  screenshotNote?: string;
}

/** Opens the page in the session's Chromium and audits it; the pool closes the browser afterwards. */
export async function auditPage(ctx: Ctx, session: BrowserSession): Promise<PageAudit> {
  const { viewport, timeoutMs } = ctx.options;
  const browser: Browser = await chromium.connectOverCDP(session.cdpUrl, { timeout: timeoutMs });
  try {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(timeoutMs);
    return await auditIn(ctx, session, page);
  } finally {
    // Disconnects only: the pool owns the process and its profile.
    await browser.close().catch(() => undefined);
  }
}

async function auditIn(ctx: Ctx, session: BrowserSession, page: Page): Promise<PageAudit> {
  const o = ctx.options;
  // Before any traffic to the target: a typo in a selector fails the test in a second.
  await assertSelectors(page, [...o.include, ...o.exclude, ...(o.waitFor ? [o.waitFor] : [])]);
  const clock = stopwatch();
  ctx.progress(5, 'Loading the page');
  const response = await load(ctx, session, page);
  const loadMs = clock();
  ctx.progress(30, 'Waiting for the network to be idle');
  const networkIdle = await page
    .waitForLoadState('networkidle', { timeout: Math.min(NETWORK_IDLE_MAX_MS, o.timeoutMs) })
    .then(
      () => true,
      () => false,
    );
  const idleMs = clock();
  if (o.waitFor) {
    ctx.progress(40, `Waiting for ${o.waitFor}`);
    await page.waitForSelector(o.waitFor, { timeout: o.timeoutMs }).catch((err: Error) => {
      ctx.signal.throwIfAborted();
      throw new Error(`waitFor: ${o.waitFor} did not appear within ${o.timeoutMs} ms`, { cause: err });
    });
  }
  const waitForMs = clock();
  ctx.progress(50, 'Auditing');
  const axe = await analyze(ctx, page);
  const auditMs = clock();
  const shot = await screenshot(page, o.viewport);
  return {
    axe,
    finalUrl: page.url(),
    status: response?.status() ?? 0,
    title: await page.title(),
    networkIdle,
    timings: { loadMs, idleMs, waitForMs, auditMs },
    ...shot,
  };
}

/** Milliseconds since the previous call (or since creation). */
function stopwatch(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const ms = Math.round(now - last);
    last = now;
    return ms;
  };
}

async function load(ctx: Ctx, session: BrowserSession, page: Page) {
  try {
    const response = await page.goto(ctx.url, { waitUntil: 'load', timeout: ctx.options.timeoutMs });
    const refused = session.blocked().find((b) => sameUrl(b.url, page.url()));
    if (refused) throw new NonRetryableError(`The page was refused: ${refused.reason}`, 'ERR_TARGET_REFUSED');
    return response;
  } catch (err) {
    ctx.signal.throwIfAborted();
    if (err instanceof NonRetryableError) throw err;
    // The document itself refused by the guard (a redirect to a private address): retrying cannot help.
    const refused = session.blocked()[0];
    if (refused && (err as Error).name !== 'TimeoutError')
      throw new NonRetryableError(
        `The page was refused: ${refused.url}: ${refused.reason}`,
        'ERR_TARGET_REFUSED',
      );
    throw new Error(`Could not load the page: ${firstLine(err)}`, { cause: err });
  }
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

const firstLine = (err: unknown) => ((err as Error).message ?? String(err)).split('\n')[0]!;

/**
 * Chromium's own selector parser judges the selectors (a parser in Node would disagree with it on
 * newer syntax); a bad one fails the test at once, named, instead of an obscure error from axe-core.
 */
async function assertSelectors(page: Page, selectors: string[]): Promise<void> {
  if (selectors.length === 0) return;
  const invalid = await page.evaluate((list) => {
    // Runs in the page; the server's TypeScript has no DOM types.
    const doc = (globalThis as unknown as { document: DocumentLike }).document;
    return list.filter((s) => {
      try {
        doc.createDocumentFragment().querySelector(s);
        return false;
      } catch {
        return true;
      }
    });
  }, selectors);
  if (invalid.length > 0)
    throw new NonRetryableError(
      `Invalid CSS selector${invalid.length > 1 ? 's' : ''}: ${invalid.map((s) => JSON.stringify(s)).join(', ')}`,
      'ERR_INVALID_TEST',
    );
}

interface DocumentLike {
  createDocumentFragment(): { querySelector(selector: string): unknown };
}

async function analyze(ctx: Ctx, page: Page): Promise<AxeRun> {
  const o = ctx.options;
  const builder = new AxeBuilder({ page }).withTags([...STANDARD_TAGS[o.standard]]);
  for (const s of o.include) builder.include(s);
  for (const s of o.exclude) builder.exclude(s);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The audit took longer than ${o.timeoutMs} ms`)), o.timeoutMs);
  });
  try {
    return (await Promise.race([builder.analyze(), timeout])) as AxeRun;
  } catch (err) {
    ctx.signal.throwIfAborted();
    if (/No elements found for include/.test((err as Error).message))
      throw new NonRetryableError(
        `None of the include selectors matches an element: ${o.include.join(', ')}`,
        'ERR_INVALID_TEST',
      );
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function screenshot(
  page: Page,
  viewport: { width: number; height: number },
): Promise<{ screenshot: Buffer | null; screenshotNote?: string }> {
  const png = await page.screenshot({ type: 'png', fullPage: false, animations: 'disabled' });
  if (png.length <= MAX_SCREENSHOT_BYTES) return { screenshot: png };
  return {
    screenshot: null,
    screenshotNote: `The ${viewport.width}×${viewport.height} screenshot (${png.length} bytes) is over the ${MAX_SCREENSHOT_BYTES}-byte cap and was not kept.`,
  };
}
