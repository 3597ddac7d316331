import type { EngineContext, EngineResult, TestEngine } from '../engine.ts';
import { outboundOf } from '../shared/outbound-of.ts';
import { crawl } from './crawl.ts';
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
  const fetcher = createSeoFetcher(outboundOf(ctx), {
    signal: ctx.signal,
    timeoutMs: o.timeoutMs,
    headers: o.headers,
    insecureTls: o.insecureTls,
  });
  ctx.progress(2, 'Reading robots.txt');
  const robots = await readRobots(fetcher, ctx.url);
  ctx.progress(6, 'Reading the sitemaps');
  const sitemap = await readSitemaps(fetcher, ctx.url, robots.summary.sitemaps);
  ctx.progress(10, `Crawling (0 of at most ${o.maxPages} pages)`);
  const result = await crawl(fetcher, robots, ctx.url, o, (done) =>
    ctx.progress(
      10 + Math.round((done / o.maxPages) * 80),
      `Crawling (${done} of at most ${o.maxPages} pages)`,
    ),
  );
  const start = result.pages[0]!;
  ctx.progress(95, 'Scoring');
  const issues: SeoIssue[] = [
    ...result.pages.flatMap((p) => p.report?.issues ?? []),
    ...siteIssues({ startUrl: ctx.url, crawl: result, robots: robots.summary, sitemap }),
  ];
  const noindexStart = issues.find((i) => i.check === 'noindex' && i.url === start.finalUrl);
  if (noindexStart) noindexStart.severity = 'high';
  const total = score(issues);
  const facts: RunFacts = {
    startUrl: ctx.url,
    crawl: result,
    robots: robots.summary,
    sitemap,
    issues,
    score: total,
    requests: fetcher.requests,
  };
  const findings = issues
    .map(toFinding)
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const metrics = metricsOf(facts);
  return {
    score: total,
    passed: total >= 80 && !findings.some((f) => f.severity === 'critical'),
    summary: `${metrics.pages_crawled} page(s) crawled${result.truncated ? ' (truncated)' : ''}, ${metrics.broken_links} broken link(s), ${findings.length} finding(s); score ${total}/100`,
    metrics,
    findings,
    details: detailsOf(facts, {
      maxPages: o.maxPages,
      maxDepth: o.maxDepth,
      concurrency: o.concurrency,
      maxLinkChecks: o.maxLinkChecks,
    }),
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
