import { TargetRefusedError, type RedirectHop } from '../../shared/outbound/index.ts';
import { checkPage, type PageReport } from './page-checks.ts';
import type { Robots } from './robots.ts';
import { requestError, type SeoFetcher } from './seo-fetcher.ts';

export interface CrawlLimits {
  maxPages: number;
  maxDepth: number;
  concurrency: number;
  maxLinkChecks: number;
}

/** What one request for a URL (a crawled page or a checked link) answered. */
export interface UrlOutcome {
  url: string;
  finalUrl: string;
  status: number | null;
  redirects: RedirectHop[];
  error?: string;
}

export interface CrawledPage extends UrlOutcome {
  depth: number;
  headers: Record<string, string>;
  /** The page checks, for an HTML page of the site that answered below 400. */
  report?: PageReport;
}

export interface CrawlResult {
  pages: CrawledPage[];
  /** Every same-origin link target found on a crawled page → the pages linking it, in crawl order. */
  linkedFrom: Map<string, string[]>;
  /** Outcome of each URL requested (pages and link checks), by the URL as linked. */
  outcomes: Map<string, UrlOutcome>;
  /** Links left unfollowed because of maxPages or maxDepth. */
  truncated: boolean;
  blockedByRobots: string[];
  linkChecks: number;
  linkChecksSkipped: number;
}

const PAGE_MAX_BYTES = 5 * 1024 * 1024;
const LINK_CHECK_MAX_BYTES = 64 * 1024;

/** Runs `fn` on every item with at most `n` at once; results in the items' order. */
export async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** `fatal`: the tested page, whose failure fails the run (a refusal as itself, so it is not retried). */
async function request(fetcher: SeoFetcher, url: string, maxBytes: number, fatal = false) {
  try {
    const res = await fetcher.get(url, { maxBytes });
    return { res, outcome: { url, finalUrl: res.url, status: res.status, redirects: res.redirects } };
  } catch (err) {
    const error = requestError(err, fetcher.signal);
    if (fatal && err instanceof TargetRefusedError) throw err;
    if (fatal) throw new Error(`Could not load the page: ${error}`, { cause: err });
    return { res: null, outcome: { url, finalUrl: url, status: null, redirects: [], error } };
  }
}

async function fetchPage(
  fetcher: SeoFetcher,
  robots: Robots,
  url: string,
  depth: number,
  origin: string,
): Promise<CrawledPage> {
  const { res, outcome } = await request(fetcher, url, PAGE_MAX_BYTES, depth === 0);
  const page: CrawledPage = { ...outcome, depth, headers: res?.headers ?? {} };
  const html = /html/i.test(res?.headers['content-type'] ?? 'text/html');
  if (res && res.status < 400 && html && (depth === 0 || new URL(res.url).origin === origin))
    page.report = checkPage({
      url: res.url,
      headers: res.headers,
      html: res.body.toString('utf8'),
      robotsAllows: robots.allowsSearch,
      primary: depth === 0,
    });
  return page;
}

interface CrawlState {
  origin: string;
  seen: Set<string>;
  unfollowed: string[];
  /** Final URLs whose page checks ran. */
  checked: Set<string>;
  result: CrawlResult;
}

/** Records a page's same-origin links and returns those the next level should fetch. */
function followLinks(page: CrawledPage, s: CrawlState, robots: Robots, limits: CrawlLimits): string[] {
  const next: string[] = [];
  for (const link of page.report?.links ?? []) {
    if (new URL(link).origin !== s.origin) continue;
    const from = s.result.linkedFrom.get(link);
    if (!from) s.result.linkedFrom.set(link, [page.finalUrl]);
    else if (!from.includes(page.finalUrl)) from.push(page.finalUrl);
    if (s.seen.has(link)) continue;
    s.seen.add(link);
    if (!robots.allowsCrawl(link)) s.result.blockedByRobots.push(link);
    else if (page.depth < limits.maxDepth) next.push(link);
    else s.unfollowed.push(link);
  }
  return next;
}

function emptyResult(): CrawlResult {
  return {
    pages: [],
    linkedFrom: new Map(),
    outcomes: new Map(),
    truncated: false,
    blockedByRobots: [],
    linkChecks: 0,
    linkChecksSkipped: 0,
  };
}

/** Told after each page fetched ('pages', of at most maxPages) and each link checked ('links'). */
export type CrawlProgress = (phase: 'pages' | 'links', done: number, total: number) => void;

/**
 * Breadth first from `startUrl`, level by level (so which pages a bound cuts off does not depend on
 * timing), on the origin the start URL lands on after its redirects, obeying robots.txt beyond the
 * start page; then a status check of the internal links found but not crawled, at most `maxLinkChecks`.
 */
export async function crawl(
  fetcher: SeoFetcher,
  robots: Robots,
  startUrl: string,
  limits: CrawlLimits,
  onProgress: CrawlProgress,
): Promise<CrawlResult> {
  const result = emptyResult();
  const state: CrawlState = {
    origin: new URL(startUrl).origin,
    seen: new Set([startUrl]),
    unfollowed: [],
    checked: new Set(),
    result,
  };
  let level = [startUrl];
  for (let depth = 0; level.length > 0; depth++) {
    const room = limits.maxPages - result.pages.length;
    state.unfollowed.push(...level.slice(room));
    const pages = await pool(level.slice(0, room), limits.concurrency, async (url) => {
      const page = await fetchPage(fetcher, robots, url, depth, state.origin);
      result.outcomes.set(url, page);
      onProgress('pages', result.outcomes.size, limits.maxPages);
      return page;
    });
    for (const page of pages) {
      // A redirect to a page already crawled (or crawled before it in this level): its checks are not
      // counted twice (duplicate titles of one page with itself).
      if (state.checked.has(page.finalUrl)) delete page.report;
      state.checked.add(page.finalUrl);
      state.seen.add(page.finalUrl);
    }
    result.pages.push(...pages);
    // The site is where the tested page lands (http://a → https://a/, a → www.a): crawl that origin.
    if (depth === 0) state.origin = new URL(pages[0]!.finalUrl).origin;
    level = pages.flatMap((page) => followLinks(page, state, robots, limits));
  }
  result.truncated = state.unfollowed.length > 0;
  await checkLinks(fetcher, state.unfollowed, limits, result, onProgress);
  return result;
}

async function checkLinks(
  fetcher: SeoFetcher,
  urls: string[],
  limits: CrawlLimits,
  result: CrawlResult,
  onProgress: CrawlProgress,
): Promise<void> {
  const toCheck = urls.slice(0, limits.maxLinkChecks);
  result.linkChecksSkipped = urls.length - toCheck.length;
  await pool(toCheck, limits.concurrency, async (url) => {
    const { outcome } = await request(fetcher, url, LINK_CHECK_MAX_BYTES);
    result.outcomes.set(url, outcome);
    result.linkChecks++;
    onProgress('links', result.linkChecks, toCheck.length);
  });
}
