import type { CrawlResult } from './crawl.ts';
import type { RobotsSummary } from './robots.ts';
import { deductions, type SeoIssue } from './seo-checks.ts';
import { brokenLinks, duplicates, orphanSitemapUrls, redirectedLinks } from './site-checks.ts';
import type { SitemapSummary } from './sitemap.ts';

export interface RunFacts {
  startUrl: string;
  crawl: CrawlResult;
  robots: RobotsSummary;
  sitemap: SitemapSummary;
  issues: SeoIssue[];
  score: number;
  requests: number;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** The result metrics (stable names, listed in seo.metrics.ts and docs/ENGINES.md). */
export function metricsOf(f: RunFacts): Record<string, number> {
  const start = f.crawl.pages[0]!;
  const reports = f.crawl.pages.flatMap((p) => (p.report ? [p.report] : []));
  const known = [...f.crawl.linkedFrom.keys()].filter((u) => f.crawl.outcomes.has(u));
  const dupCount = (groups: Array<{ pages: string[] }>) => sum(groups.map((g) => g.pages.length));
  return {
    score: f.score,
    pages_crawled: f.crawl.pages.length,
    links_checked: known.length,
    broken_links: brokenLinks(f.crawl).length,
    redirected_links: redirectedLinks(f.crawl).length,
    missing_alt: sum(reports.map((r) => r.missingAlt)),
    links_without_text: sum(reports.map((r) => r.linksWithoutText)),
    duplicate_titles: dupCount(duplicates(f.crawl.pages, (p) => p.report?.title)),
    duplicate_descriptions: dupCount(duplicates(f.crawl.pages, (p) => p.report?.description)),
    noindex_pages: reports.filter((r) => r.noindex).length,
    sitemap_urls: f.sitemap.urls.length,
    orphan_sitemap_urls: orphanSitemapUrls(f.crawl, f.sitemap, f.startUrl)?.length ?? 0,
    requests_made: f.requests,
    title_length: start.report?.title ? [...start.report.title].length : 0,
    description_length: start.report?.description ? [...start.report.description].length : 0,
    h1_count: start.report?.h1Count ?? 0,
    structured_data_errors: sum(reports.map((r) => r.structuredDataErrors)),
    status_code: start.status ?? 0,
    redirect_count: start.redirects.length,
  };
}

/** details: per-page checks, robots and sitemap summaries, the crawl summary and the link tables. */
export function detailsOf(f: RunFacts, limits: Record<string, number>): Record<string, unknown> {
  const orphans = orphanSitemapUrls(f.crawl, f.sitemap, f.startUrl);
  const start = f.crawl.pages[0]!;
  return {
    page: {
      requestedUrl: f.startUrl,
      finalUrl: start.finalUrl,
      status: start.status,
      redirects: start.redirects,
    },
    pages: f.crawl.pages.map((p) => ({
      url: p.finalUrl,
      status: p.status,
      depth: p.depth,
      ...(p.error ? { error: p.error } : {}),
      ...(p.report ? pageSummary(p.report) : {}),
      issues: f.issues.filter((i) => i.url === p.finalUrl).map((i) => ({ check: i.check, detail: i.detail })),
    })),
    robots: f.robots,
    sitemap: {
      ...f.sitemap,
      urls: f.sitemap.urls.slice(0, 100),
      urlsOmitted: Math.max(0, f.sitemap.urls.length - 100),
    },
    crawl: {
      limits,
      pagesCrawled: f.crawl.pages.length,
      truncated: f.crawl.truncated,
      linkChecks: f.crawl.linkChecks,
      linkChecksSkipped: f.crawl.linkChecksSkipped,
      blockedByRobots: f.crawl.blockedByRobots,
      requestsMade: f.requests,
    },
    brokenLinks: brokenLinks(f.crawl),
    redirectedLinks: redirectedLinks(f.crawl),
    duplicateTitles: duplicates(f.crawl.pages, (p) => p.report?.title),
    duplicateDescriptions: duplicates(f.crawl.pages, (p) => p.report?.description),
    orphanSitemapUrls: orphans,
    orphansNote: orphans === null ? 'not computed: the crawl was truncated by maxPages or maxDepth' : null,
    scoreDeductions: deductions(f.issues),
  };
}

function pageSummary(r: NonNullable<CrawlResult['pages'][number]['report']>) {
  return {
    title: r.title,
    description: r.description,
    canonical: r.canonical,
    lang: r.lang,
    h1Count: r.h1Count,
    noindex: r.noindex,
    nofollow: r.nofollow,
    missingAlt: r.missingAlt,
    linksWithoutText: r.linksWithoutText,
    checks: r.checks,
  };
}
