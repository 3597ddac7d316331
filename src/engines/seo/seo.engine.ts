import type { EngineContext, EngineResult, TestEngine } from '../engine.ts';
import { outboundOf } from '../shared/outbound-of.ts';
import { crawl } from './crawl.ts';
import { absoluteUrl } from './html-utils.ts';
import { readRobots } from './robots.ts';
import { score, toFinding, type SeoIssue } from './seo-checks.ts';
import { createSeoFetcher } from './seo-fetcher.ts';
import { SEO_METRICS } from './seo.metrics.ts';
import { SeoOptions } from './seo.options.ts';
import { detailsOf, metricsOf, type RunFacts } from './seo-result.ts';
import { siteIssues } from './site-checks.ts';
import { readSitemaps } from './sitemap.ts';

type Ctx = EngineContext<SeoOptions>;

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];

async function run(ctx: Ctx): Promise<EngineResult> {
  const o = ctx.options;
  // "http://site.test" and the "http://site.test/" its pages link to are one page, not two.
  const url = absoluteUrl(ctx.url, ctx.url) ?? ctx.url;
  const fetcher = createSeoFetcher(outboundOf(ctx), {
    signal: ctx.signal,
    timeoutMs: o.timeoutMs,
    headers: o.headers,
    insecureTls: o.insecureTls,
  });
  ctx.progress(2, 'Reading robots.txt');
  const robots = await readRobots(fetcher, url);
  ctx.progress(6, 'Reading the sitemaps');
  const sitemap = await readSitemaps(fetcher, url, robots.summary.sitemaps);
  ctx.progress(10, `Crawling (0 of at most ${o.maxPages} pages)`);
  const result = await crawl(fetcher, robots, url, o, (phase, done, total) =>
    phase === 'pages'
      ? ctx.progress(10 + Math.round((done / total) * 75), `Crawling (${done} of at most ${total} pages)`)
      : ctx.progress(85 + Math.round((done / total) * 10), `Checking links (${done} of ${total})`),
  );
  ctx.progress(95, 'Scoring');
  return resultOf(
    { startUrl: url, crawl: result, robots: robots.summary, sitemap, requests: fetcher.requests },
    o,
  );
}

/** Issues of every page and of the site, scored, as the engine's result. */
function resultOf(f: Omit<RunFacts, 'issues' | 'score'>, o: SeoOptions): EngineResult {
  const start = f.crawl.pages[0]!;
  const issues: SeoIssue[] = [
    ...f.crawl.pages.flatMap((p) => p.report?.issues ?? []),
    ...siteIssues({ startUrl: f.startUrl, crawl: f.crawl, robots: f.robots, sitemap: f.sitemap }),
  ];
  // Noindex on the tested page itself keeps it out of search results: worse than on a crawled page.
  const noindexStart = issues.find((i) => i.check === 'noindex' && i.url === start.finalUrl);
  if (noindexStart) noindexStart.severity = 'high';
  const total = score(issues);
  const facts: RunFacts = { ...f, issues, score: total };
  const findings = issues
    .map(toFinding)
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const metrics = metricsOf(facts);
  const { maxPages, maxDepth, concurrency, maxLinkChecks } = o;
  return {
    score: total,
    passed: total >= 80 && !findings.some((x) => x.severity === 'critical'),
    summary: `${metrics.pages_crawled} page(s) crawled${f.crawl.truncated ? ' (truncated)' : ''}, ${metrics.broken_links} broken link(s), ${findings.length} finding(s); score ${total}/100`,
    metrics,
    findings,
    details: detailsOf(facts, { maxPages, maxDepth, concurrency, maxLinkChecks }),
  };
}

/** SEO: page checks on every crawled page, robots.txt, sitemaps, and a bounded same-origin crawl. */
export const seoEngine: TestEngine<typeof SeoOptions> = {
  name: 'seo',
  description:
    'On-page SEO checks, robots.txt, sitemaps, and a bounded crawl for broken links and duplicates',
  options: SeoOptions,
  metrics: SEO_METRICS,
  run,
};
