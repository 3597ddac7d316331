import type { CrawledPage, CrawlResult } from './crawl.ts';
import type { RobotsSummary } from './robots.ts';
import type { SeoIssue } from './seo-checks.ts';
import type { SitemapSummary } from './sitemap.ts';

export interface BrokenLink {
  url: string;
  status: number | null;
  error?: string;
  linkedFrom: string[];
}

export interface RedirectedLink {
  url: string;
  finalUrl: string;
  hops: number;
  status: number | null;
  linkedFrom: string[];
}

/** Internal links whose target answered ≥ 400 or not at all, each with the pages that link it. */
export function brokenLinks(c: CrawlResult): BrokenLink[] {
  const out: BrokenLink[] = [];
  for (const [url, linkedFrom] of c.linkedFrom) {
    const o = c.outcomes.get(url);
    if (o && (o.status === null || o.status >= 400))
      out.push({ url, status: o.status, ...(o.error ? { error: o.error } : {}), linkedFrom });
  }
  return out;
}

export function redirectedLinks(c: CrawlResult): RedirectedLink[] {
  const out: RedirectedLink[] = [];
  for (const [url, linkedFrom] of c.linkedFrom) {
    const o = c.outcomes.get(url);
    if (o && o.redirects.length > 0)
      out.push({ url, finalUrl: o.finalUrl, hops: o.redirects.length, status: o.status, linkedFrom });
  }
  return out;
}

/** Groups of two or more crawled pages sharing a value (a title, a description). */
export function duplicates(
  pages: CrawledPage[],
  key: (p: CrawledPage) => string | null | undefined,
): Array<{ value: string; pages: string[] }> {
  const groups = new Map<string, string[]>();
  for (const page of pages) {
    const value = key(page);
    if (value) groups.set(value, [...(groups.get(value) ?? []), page.finalUrl]);
  }
  return [...groups].filter(([, urls]) => urls.length > 1).map(([value, urls]) => ({ value, pages: urls }));
}

/**
 * Same-origin sitemap URLs no crawled page links to (the tested page excepted). Only meaningful after a
 * crawl that was not truncated: null otherwise.
 */
export function orphanSitemapUrls(
  c: CrawlResult,
  sitemap: SitemapSummary,
  startUrl: string,
): string[] | null {
  if (c.truncated) return null;
  const start = c.pages[0]?.finalUrl ?? startUrl;
  const origin = new URL(start).origin;
  return sitemap.urls.filter(
    (u) => new URL(u).origin === origin && u !== startUrl && u !== start && !c.linkedFrom.has(u),
  );
}

export interface SiteFacts {
  startUrl: string;
  crawl: CrawlResult;
  robots: RobotsSummary;
  sitemap: SitemapSummary;
}

const urlList = (urls: string[]) =>
  urls.length > 10 ? `${urls.slice(0, 10).join(', ')} and ${urls.length - 10} more` : urls.join(', ');

/** The site-wide issues: robots.txt, sitemap, the tested page's status, links, duplicates, orphans. */
export function siteIssues(f: SiteFacts): SeoIssue[] {
  return [...entryIssues(f), ...crawlIssues(f)];
}

/** The tested page's status and redirects, robots.txt and the sitemaps. */
function entryIssues(f: SiteFacts): SeoIssue[] {
  const start = f.crawl.pages[0]!;
  const url = start.finalUrl;
  const issues: SeoIssue[] = [];
  if (start.status !== 200)
    issues.push({
      check: 'status',
      url,
      detail: `answers HTTP ${start.status}`,
      severity: start.status !== null && start.status < 400 ? 'medium' : undefined,
    });
  if (start.redirects.length >= 2)
    issues.push({
      check: 'redirect_chain',
      url: f.startUrl,
      detail: `${start.redirects.length} redirects: ${start.redirects.map((r) => `${r.url} (${r.status})`).join(' → ')} → ${url}`,
    });
  if (!f.robots.pageAllowedForAll || !f.robots.pageAllowedForGooglebot)
    issues.push({
      check: 'robots_blocked',
      url,
      detail: `disallowed in ${f.robots.url} for ${[!f.robots.pageAllowedForAll && '*', !f.robots.pageAllowedForGooglebot && 'Googlebot'].filter(Boolean).join(' and ')}`,
    });
  if (!f.robots.found)
    issues.push({
      check: 'robots_txt',
      url: f.robots.url,
      detail: f.robots.error ?? `HTTP ${f.robots.status}`,
    });
  if (f.sitemap.urls.length === 0)
    issues.push({
      check: 'sitemap',
      url: f.sitemap.files[0]?.url ?? url,
      detail: f.sitemap.files.map((s) => `${s.url}: ${s.error ?? `${s.entries} entries`}`).join('; '),
    });
  return issues;
}

/** What the crawl found across pages: broken and redirected links, duplicates, orphan sitemap URLs. */
function crawlIssues(f: SiteFacts): SeoIssue[] {
  const issues: SeoIssue[] = [];
  for (const b of brokenLinks(f.crawl))
    issues.push({
      check: 'broken_link',
      url: b.url,
      detail: `${b.error ?? `HTTP ${b.status}`}, linked from ${urlList(b.linkedFrom)}`,
    });
  for (const r of redirectedLinks(f.crawl))
    issues.push({
      check: 'redirected_link',
      url: r.url,
      detail: `${r.hops} redirect(s) to ${r.finalUrl}, linked from ${urlList(r.linkedFrom)}`,
      severity: r.hops >= 2 ? 'medium' : undefined,
    });
  for (const d of duplicates(f.crawl.pages, (p) => p.report?.title))
    issues.push({
      check: 'duplicate_title',
      url: d.pages[0]!,
      detail: `"${d.value}" is the title of ${urlList(d.pages)}`,
      count: d.pages.length,
    });
  for (const d of duplicates(f.crawl.pages, (p) => p.report?.description))
    issues.push({
      check: 'duplicate_description',
      url: d.pages[0]!,
      detail: `the same description on ${urlList(d.pages)}`,
      count: d.pages.length,
    });
  for (const orphan of orphanSitemapUrls(f.crawl, f.sitemap, f.startUrl) ?? [])
    issues.push({
      check: 'orphan_sitemap_url',
      url: orphan,
      detail: 'listed in the sitemap, linked from no crawled page',
    });
  return issues;
}
