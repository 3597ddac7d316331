import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { engineHarness } from './engine-harness.ts';
import {
  CLEAN_SITE,
  DEFECTS_SITE,
  HOME_DESCRIPTION,
  HOME_TITLE,
  manyPagesSite,
  startSeoFixture,
  type SeoFixture,
} from './seo-fixtures.ts';

interface BrokenRow {
  url: string;
  status: number | null;
  linkedFrom: string[];
}

describe('seo engine', () => {
  const h = engineHarness({ allowPrivateTargets: true });
  let site: SeoFixture | undefined;
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });
  afterAll(() => h.close());

  it('reports exactly the defects the fixture site has, with the pages and elements', async () => {
    site = await startSeoFixture(DEFECTS_SITE);
    const b = site.url;
    const { result, progress } = await h.run('seo', `${b}/`, { maxDepth: 5 });
    expect(result.metrics).toEqual({
      score: 69,
      pages_crawled: 12, // home, 7 linked from it (not /private/, disallowed), page2, page3, /missing, /error
      links_checked: 12,
      broken_links: 2,
      redirected_links: 1,
      missing_alt: 2,
      links_without_text: 1,
      duplicate_titles: 2,
      duplicate_descriptions: 0,
      noindex_pages: 2,
      sitemap_urls: 5,
      orphan_sitemap_urls: 1,
      requests_made: 16, // robots.txt, 3 sitemap files, 12 pages
      title_length: HOME_TITLE.length,
      description_length: HOME_DESCRIPTION.length,
      h1_count: 1,
      structured_data_errors: 1,
      status_code: 200,
      redirect_count: 0,
    });
    const at = (path: string) => `${b}${path}`;
    // Severity, title and the page each finding names (its detail starts with the page URL).
    const rows = result.findings.map((f) => [f.severity, f.title, f.detail.slice(0, f.detail.indexOf(': '))]);
    expect(rows).toEqual([
      ['high', 'Broken internal link', at('/missing')],
      ['high', 'Broken internal link', at('/error')],
      ['medium', 'Images without alt', at('/page1')],
      ['medium', 'Page excluded from the index (noindex)', at('/noindex-meta')],
      ['medium', 'Page excluded from the index (noindex)', at('/noindex-header')],
      ['medium', 'Links without text', at('/page2')],
      ['medium', 'Invalid structured data', at('/page3')],
      ['medium', 'Duplicate title', at('/dup-a')],
      ['low', 'Canonical link problem', at('/canon')],
      ['low', 'Internal link redirects', at('/old')],
      ['low', 'Sitemap URL not linked from the site', at('/orphan')],
    ]);
    const detail = (title: string) => result.findings.filter((f) => f.title === title).map((f) => f.detail);
    expect(detail('Images without alt')).toEqual([
      `${at('/page1')}: 2 image(s) without alt: <img src="/a.png">, <img src="/b.png">`,
    ]);
    expect(detail('Links without text')).toEqual([
      `${at('/page2')}: 1 link(s) without text: <a href="/page1"></a>`,
    ]);
    expect(detail('Duplicate title')[0]).toContain(`${at('/dup-a')}, ${at('/dup-b')}`);
    expect(detail('Page excluded from the index (noindex)')).toEqual([
      `${at('/noindex-meta')}: noindex by meta robots "noindex, follow"`,
      `${at('/noindex-header')}: noindex by X-Robots-Tag: noindex`,
    ]);
    expect(detail('Invalid structured data')[0]).toMatch(/JSON-LD block 1: not valid JSON/);
    expect(detail('Canonical link problem')[0]).toContain(`points elsewhere (${at('/page1')})`);
    expect(result.details.brokenLinks as BrokenRow[]).toEqual([
      { url: at('/missing'), status: 404, linkedFrom: [at('/page3')] },
      { url: at('/error'), status: 500, linkedFrom: [at('/page3')] },
    ]);
    const crawl = result.details.crawl as { truncated: boolean; blockedByRobots: string[] };
    expect(crawl.truncated).toBe(false);
    expect(crawl.blockedByRobots).toEqual([at('/private/secret')]);
    expect(site.count(/^\/private\//)).toBe(0);
    expect(result.details.orphanSitemapUrls).toEqual([at('/orphan')]);
    expect(result.passed).toBe(false);
    const messages = progress.map((p) => p.message);
    expect(messages[0]).toMatch(/robots/);
    expect(messages[1]).toMatch(/sitemap/);
    expect(messages).toContain('Crawling (12 of at most 20 pages)');
    expect(messages.at(-1)).toBe('Scoring');
  });

  it('gives a clean site a high score and nothing above low', async () => {
    site = await startSeoFixture(CLEAN_SITE);
    // Without the trailing slash: the home its pages link to ("/") is the same page, not crawled twice.
    const { result } = await h.run('seo', site.url, {});
    expect(result.findings.filter((f) => !['low', 'info'].includes(f.severity))).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(result.score).toBe(100);
    expect(result.passed).toBe(true);
    expect(result.metrics).toMatchObject({
      pages_crawled: 2,
      sitemap_urls: 2,
      orphan_sitemap_urls: 0,
      broken_links: 0,
    });
  });

  it('checks and crawls the site the tested URL redirects to on another origin', async () => {
    site = await startSeoFixture(CLEAN_SITE);
    const target = site.url;
    const redirector = await startSeoFixture({
      '/': () => ({ status: 301, headers: { location: `${target}/` }, body: '' }),
    });
    try {
      const { result } = await h.run('seo', `${redirector.url}/`, {});
      expect(result.metrics).toMatchObject({
        pages_crawled: 2,
        redirect_count: 1,
        h1_count: 1,
        status_code: 200,
      });
      expect(result.metrics.title_length).toBe(HOME_TITLE.length);
      expect(site.count(/^\/about$/)).toBe(1);
      // robots.txt and the sitemap are read on the tested URL's origin, where there are none.
      expect(result.findings.map((f) => f.title)).toEqual(['No robots.txt', 'No sitemap found']);
    } finally {
      await redirector.close();
    }
  });

  it('fetches at most maxPages pages of a 50-page site, and checks at most maxLinkChecks links', async () => {
    site = await startSeoFixture(manyPagesSite(50));
    const { result } = await h.run('seo', `${site.url}/`, { maxPages: 3, maxLinkChecks: 0 });
    expect(site.count(/^\/(p\/.*)?$/)).toBe(3);
    expect(site.count(/^\/robots\.txt$/)).toBe(1);
    expect(site.count(/^\/sitemap\.xml$/)).toBe(1);
    expect(result.metrics).toMatchObject({ pages_crawled: 3, requests_made: 5 });
    expect((result.details.crawl as { truncated: boolean }).truncated).toBe(true);
    expect(result.details.orphanSitemapUrls).toBeNull();

    site.hits.clear();
    const second = await h.run('seo', `${site.url}/`, { maxPages: 3, maxLinkChecks: 4 });
    expect(second.progress.map((p) => p.message)).toContain('Checking links (4 of 4)');
    expect(site.count(/^\/(p\/.*)?$/)).toBe(7);
    expect(second.result.metrics.requests_made).toBe(2 + 7);
  });

  it('reads at most 10 sitemap files of an index listing 25, and with maxDepth 0 fetches the page alone', async () => {
    const xml = (body: string) => ({ headers: { 'content-type': 'application/xml' }, body });
    const routes = {
      ...manyPagesSite(10),
      '/robots.txt': (b: string) => ({ body: `Sitemap: ${b}/index.xml\n` }),
      '/index.xml': (b: string) =>
        xml(
          `<sitemapindex>${Array.from({ length: 25 }, (_, i) => `<sitemap><loc>${b}/s${i}.xml</loc></sitemap>`).join('')}</sitemapindex>`,
        ),
      ...Object.fromEntries(
        Array.from({ length: 25 }, (_, i) => [
          `/s${i}.xml`,
          (b: string) => xml(`<urlset><url><loc>${b}/p/${i}</loc></url></urlset>`),
        ]),
      ),
    };
    site = await startSeoFixture(routes);
    const { result } = await h.run('seo', `${site.url}/`, { maxDepth: 0, maxLinkChecks: 0 });
    expect(site.count(/\.xml$/)).toBe(10); // the index and 9 of its sitemaps
    expect(site.count(/^\/(p\/.*)?$/)).toBe(1);
    expect(result.metrics).toMatchObject({ pages_crawled: 1, sitemap_urls: 9, requests_made: 12 });
    expect((result.details.sitemap as { truncated: boolean }).truncated).toBe(true);
  });

  it('rejects with the signal reason within 2 s of a cancel mid-crawl', async () => {
    site = await startSeoFixture({ ...CLEAN_SITE, '/about': () => ({ body: '<a href="/slow">slow</a>' }) });
    const fixture = site;
    const ac = new AbortController();
    const running = h.run('seo', `${site.url}/`, {}, ac.signal);
    const outcome = running.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    await waitFor(() => fixture.count(/^\/slow$/) > 0, 10_000, 'the crawl to reach /slow');
    const reason = new DOMException('cancelled by the test', 'AbortError');
    const started = Date.now();
    ac.abort(reason);
    expect(await outcome).toBe(reason);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
