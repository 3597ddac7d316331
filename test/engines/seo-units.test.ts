import { describe, expect, it } from 'vitest';
import { jsonLdProblem } from '../../src/engines/seo/body-checks.ts';
import { pool } from '../../src/engines/seo/crawl.ts';
import { checkPage, type PageReport } from '../../src/engines/seo/page-checks.ts';
import { parseRobots } from '../../src/engines/seo/robots.ts';
import { CHECKS, deductions, score, type SeoIssue } from '../../src/engines/seo/seo-checks.ts';
import { parseSitemap } from '../../src/engines/seo/sitemap.ts';

const URL_ = 'https://site.test/a/page';
const GOOD_HEAD = `<title>A good title of a page</title>
<meta name="description" content="${'A description long enough to pass the length check, '.repeat(2)}">
<meta name="viewport" content="width=device-width">`;

function check(
  html: { head?: string; body?: string; lang?: string },
  o: Partial<Parameters<typeof checkPage>[0]> = {},
): PageReport {
  const lang = html.lang ?? ' lang="en"';
  return checkPage({
    url: URL_,
    headers: {},
    html: `<html${lang}><head>${html.head ?? GOOD_HEAD}</head><body>${html.body ?? '<h1>One</h1>'}</body></html>`,
    ...o,
  });
}
const issuesOf = (r: PageReport) => r.issues.map((i) => `${i.check}: ${i.detail}`);

describe('seo page checks', () => {
  it('passes a page with every basic tag', () => {
    const r = check({});
    expect(r.issues).toEqual([]);
    expect(Object.values(r.checks).every(Boolean)).toBe(true);
    expect(r.checks.open_graph).toBeUndefined(); // only on the tested page
  });

  it('checks the title and description lengths', () => {
    expect(issuesOf(check({ head: '<title> Short </title>' }))).toEqual([
      'title_length: <title> has 5 characters: "Short"',
      'description: no meta[name="description"] with content',
      'viewport: no meta[name="viewport"]',
    ]);
    expect(issuesOf(check({ head: `<title>${'x'.repeat(61)}</title><meta name="viewport">` }))[0]).toBe(
      `title_length: <title> has 61 characters: "${'x'.repeat(61)}"`,
    );
    expect(
      issuesOf(check({ head: '<meta name="viewport"><meta name="Description" content="too short">' })),
    ).toEqual(['title: no <title>', 'description_length: meta description has 9 characters']);
    // Characters as people count them: 10 CJK characters are 10, not 30 bytes.
    expect(
      check({ head: `${GOOD_HEAD.replace('A good title of a page', '一二三四五六七八九十')}` }).issues,
    ).toEqual([]);
  });

  it('wants exactly one h1 and no skipped heading levels', () => {
    expect(issuesOf(check({ body: '<h2>x</h2>' }))).toEqual(['h1: no h1']);
    expect(issuesOf(check({ body: '<h1>a</h1><h1>b</h1>' }))).toEqual([
      'h1: 2 h1 elements: <h1>a</h1>, <h1>b</h1>',
    ]);
    expect(issuesOf(check({ body: '<h1>a</h1><h2>b</h2><h4>c</h4><h2>d</h2><h3>e</h3>' }))).toEqual([
      'heading_order: skipped levels: h2 → <h4>c</h4>',
    ]);
  });

  it('flags a missing lang', () => {
    expect(issuesOf(check({ lang: '' }))).toEqual(['lang: <html> has no lang attribute']);
  });

  it('checks the canonical: absolute, same site, itself, allowed by robots.txt', () => {
    const canonical = (href: string, o = {}) =>
      check({ head: `${GOOD_HEAD}<link rel="canonical" href="${href}">` }, o);
    expect(canonical(URL_).issues).toEqual([]);
    expect(canonical(URL_).canonical).toBe(URL_);
    expect(issuesOf(canonical('/a/page'))).toEqual([
      'canonical: canonical is relative: <link rel="canonical" href="/a/page">',
    ]);
    expect(issuesOf(canonical('https://other.test/x'))[0]).toMatch(
      /^canonical: canonical points to another site/,
    );
    expect(canonical('https://www.site.test/b').issues[0]!.detail).toMatch(
      /points elsewhere \(https:\/\/www.site.test\/b\)/,
    );
    expect(canonical('https://www.site.test/b').issues[0]!.severity).toBe('low');
    expect(issuesOf(canonical(URL_, { robotsAllows: () => false }))).toEqual([
      `canonical: canonical ${URL_} is disallowed by robots.txt`,
    ]);
  });

  it('reads noindex and nofollow from the robots meta and X-Robots-Tag', () => {
    const meta = check({ head: `${GOOD_HEAD}<meta name="robots" content="NONE">` });
    expect(meta.noindex && meta.nofollow).toBe(true);
    const header = check({}, { headers: { 'x-robots-tag': 'googlebot: nofollow' } });
    expect([header.noindex, header.nofollow]).toEqual([false, true]);
    expect(issuesOf(header)).toEqual(['nofollow: nofollow by X-Robots-Tag: googlebot: nofollow']);
  });

  it('counts images without alt and links without a name', () => {
    const r = check({
      body: `<h1>x</h1><img src="a.png"><img src="b.png" alt=""><a href="/1"></a><a href="/2" aria-label="Two"></a>
        <a href="/3"><img src="c.png" alt="Three"></a><a href="/4"><img src="d.png" alt=""></a><a href="/5"> </a>`,
    });
    expect(r.missingAlt).toBe(1);
    expect(r.linksWithoutText).toBe(3);
    expect(r.links).toEqual(['/1', '/2', '/3', '/4', '/5'].map((p) => `https://site.test${p}`));
  });

  it('validates hreflang alternates', () => {
    const alt = (lang: string, href: string) => `<link rel="alternate" hreflang="${lang}" href="${href}">`;
    const ok = check({
      head: GOOD_HEAD + alt('en-GB', 'https://site.test/en') + alt('x-default', 'https://site.test/'),
    });
    expect(ok.issues).toEqual([]);
    expect(issuesOf(check({ head: GOOD_HEAD + alt('english', '/en') }))).toEqual([
      'hreflang: invalid language code "english": <link rel="alternate" hreflang="english" href="/en">',
      'hreflang: href is not an absolute URL: <link rel="alternate" hreflang="english" href="/en">',
      'hreflang: no x-default alternate',
    ]);
  });

  it('checks Open Graph and the Twitter card on the tested page only', () => {
    const r = check({ head: `${GOOD_HEAD}<meta property="og:title" content="T">` }, { primary: true });
    expect(issuesOf(r)).toEqual([
      'open_graph: missing og:description, og:image, og:url',
      'twitter_card: no meta[name="twitter:card"]',
    ]);
  });

  it('finds http subresources on an https page only', () => {
    const body =
      '<h1>x</h1><script src="http://cdn.test/a.js"></script><img src="https://cdn.test/b.png" alt="b">';
    expect(issuesOf(check({ body }))).toEqual([
      'mixed_content: 1 http: subresource(s): <script src="http://cdn.test/a.js"></script>',
    ]);
    expect(checkPage({ url: 'http://site.test/', headers: {}, html: body }).checks.mixed_content).toBe(true);
  });

  it('says why JSON-LD is not usable', () => {
    expect(jsonLdProblem('{"@context":"https://schema.org","@type":"Thing"}')).toBeNull();
    expect(
      jsonLdProblem('{"@context":"https://schema.org","@graph":[{"@type":"A"},{"@type":"B"}]}'),
    ).toBeNull();
    expect(jsonLdProblem('{"@type":"Thing"}')).toBe('no @context');
    expect(jsonLdProblem('[{"@context":"x","name":"n"}]')).toBe('no @type');
    expect(jsonLdProblem('{"a":1,}')).toMatch(/^not valid JSON/);
    expect(jsonLdProblem('42')).toBe('not a JSON object');
  });
});

describe('seo site parsing', () => {
  it('reads a sitemap index, a urlset and anything else', () => {
    const index = `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc> https://s.test/a.xml </loc><lastmod>2024-01-01</lastmod></sitemap><sitemap><loc>/b.xml</loc></sitemap></sitemapindex>`;
    expect(parseSitemap(index, 'https://s.test/sitemap.xml')).toEqual({
      kind: 'index',
      locs: ['https://s.test/a.xml', 'https://s.test/b.xml'],
    });
    const set = '<urlset><url><loc>https://s.test/</loc></url><url><loc>javascript:x</loc></url></urlset>';
    expect(parseSitemap(set, 'https://s.test/s.xml')).toEqual({ kind: 'urlset', locs: ['https://s.test/'] });
    expect(parseSitemap('<html><body>soft 404</body></html>', 'https://s.test/s.xml')).toEqual({
      kind: 'unknown',
      locs: [],
    });
  });

  it('reads robots.txt for *, Googlebot and the crawler', () => {
    const text =
      'User-agent: Googlebot\nDisallow: /g/\n\nUser-agent: *\nDisallow: /private\nSitemap: https://s.test/sm.xml';
    const r = parseRobots('https://s.test/g/page', text, 200);
    expect(r.summary).toMatchObject({
      found: true,
      pageAllowedForAll: true,
      pageAllowedForGooglebot: false,
      sitemaps: ['https://s.test/sm.xml'],
    });
    expect(r.allowsSearch('https://s.test/g/page')).toBe(false);
    expect(r.allowsCrawl('https://s.test/private/x')).toBe(false);
    expect(r.allowsCrawl('https://other.test/private/x')).toBe(true); // says nothing about another origin
    expect(parseRobots('https://s.test/', '', 404).summary).toMatchObject({
      found: false,
      pageAllowedForAll: true,
    });
  });
});

describe('seo score', () => {
  const issue = (check: SeoIssue['check']): SeoIssue => ({ check, url: 'u', detail: 'd' });

  it('takes each check weight per issue, up to the check cap', () => {
    expect(score([])).toBe(100);
    expect(score([issue('img_alt')])).toBe(100 - CHECKS.img_alt.deduct);
    const broken = Array.from({ length: 20 }, () => issue('broken_link'));
    expect(deductions(broken)).toEqual({ broken_link: CHECKS.broken_link.cap });
    expect(score([...broken, issue('robots_blocked'), issue('title'), issue('title')])).toBe(
      100 - 25 - 30 - 16,
    );
    expect(
      score(
        Object.keys(CHECKS).flatMap((c) => Array.from({ length: 30 }, () => issue(c as SeoIssue['check']))),
      ),
    ).toBe(0);
  });

  it('runs at most n at once and keeps the order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await pool([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});
