import type { CheerioAPI } from 'cheerio';
import { absoluteUrl, charCount, cleanText, isAbsoluteHttp, siteOf, snippet } from './html-utils.ts';
import type { SeoIssue } from './seo-checks.ts';

/** What the page checks see of a page. */
export interface PageView {
  $: CheerioAPI;
  url: string;
  headers: Record<string, string>;
  /** Whether robots.txt lets crawlers fetch a URL (`*` and Googlebot); absent when unknown. */
  robotsAllows?: (url: string) => boolean;
}

export interface HeadFacts {
  title: string | null;
  description: string | null;
  canonical: string | null;
  lang: string | null;
  noindex: boolean;
  nofollow: boolean;
}

export function checkTitle({ $, url }: PageView): { title: string | null; issues: SeoIssue[] } {
  const el = $('head title').first();
  const title = el.length ? cleanText(el.text()) : null;
  if (!title)
    return {
      title,
      issues: [{ check: 'title', url, detail: el.length ? '<title> is empty' : 'no <title>' }],
    };
  const n = charCount(title);
  const issues: SeoIssue[] =
    n < 10 || n > 60
      ? [{ check: 'title_length', url, detail: `<title> has ${n} characters: "${title}"` }]
      : [];
  return { title, issues };
}

export function checkDescription({ $, url }: PageView): { description: string | null; issues: SeoIssue[] } {
  const el = $('meta[name="description" i]').first();
  const description = el.length ? cleanText(el.attr('content')) : null;
  if (!description)
    return {
      description,
      issues: [{ check: 'description', url, detail: 'no meta[name="description"] with content' }],
    };
  const n = charCount(description);
  if (n >= 50 && n <= 160) return { description, issues: [] };
  return {
    description,
    issues: [{ check: 'description_length', url, detail: `meta description has ${n} characters` }],
  };
}

export function checkLangAndViewport({ $, url }: PageView): { lang: string | null; issues: SeoIssue[] } {
  const lang = cleanText($('html').attr('lang')) || null;
  const issues: SeoIssue[] = [];
  if (!lang) issues.push({ check: 'lang', url, detail: '<html> has no lang attribute' });
  if (!$('meta[name="viewport" i]').length)
    issues.push({ check: 'viewport', url, detail: 'no meta[name="viewport"]' });
  return { lang, issues };
}

/** Canonical: one, absolute, on this site, the page itself (else said), and not blocked by robots.txt. */
export function checkCanonical(view: PageView): { canonical: string | null; issues: SeoIssue[] } {
  const { $, url } = view;
  const links = $('link[rel~="canonical" i]').toArray();
  if (links.length === 0) return { canonical: null, issues: [] };
  const href = ($(links[0]).attr('href') ?? '').trim();
  const el = snippet($, links[0]!);
  const issue = (detail: string, severity?: SeoIssue['severity']): SeoIssue => ({
    check: 'canonical',
    url,
    detail,
    severity,
  });
  if (links.length > 1)
    return { canonical: href, issues: [issue(`${links.length} canonical links; keep one`)] };
  const resolved = absoluteUrl(href, url);
  if (!resolved) return { canonical: href, issues: [issue(`canonical is not an http(s) URL: ${el}`)] };
  const issues: SeoIssue[] = [];
  if (!isAbsoluteHttp(href)) issues.push(issue(`canonical is relative: ${el}`, 'low'));
  const page = new URL(url);
  const target = new URL(resolved);
  if (siteOf(target.hostname) !== siteOf(page.hostname))
    issues.push(issue(`canonical points to another site (${resolved}): ${el}`));
  else if (resolved !== absoluteUrl(url, url))
    issues.push(
      issue(`canonical points elsewhere (${resolved}), so this URL is not indexed itself: ${el}`, 'low'),
    );
  if (view.robotsAllows && !view.robotsAllows(resolved))
    issues.push(issue(`canonical ${resolved} is disallowed by robots.txt`));
  return { canonical: resolved, issues };
}

const NOINDEX = /\b(noindex|none)\b/i;
const NOFOLLOW = /\b(nofollow|none)\b/i;

/** robots / googlebot meta tags and the X-Robots-Tag header. */
export function checkRobotsDirectives({ $, url, headers }: PageView): {
  noindex: boolean;
  nofollow: boolean;
  issues: SeoIssue[];
} {
  const metas = $('meta[name="robots" i], meta[name="googlebot" i]').toArray();
  const metaContent = metas.map((m) => $(m).attr('content') ?? '').join(', ');
  const header = headers['x-robots-tag'] ?? '';
  const sources = (re: RegExp) => [
    ...(re.test(metaContent) ? [`meta robots "${cleanText(metaContent)}"`] : []),
    ...(re.test(header) ? [`X-Robots-Tag: ${header}`] : []),
  ];
  const noindexBy = sources(NOINDEX);
  const nofollowBy = sources(NOFOLLOW);
  const issues: SeoIssue[] = [];
  if (noindexBy.length)
    issues.push({ check: 'noindex', url, detail: `noindex by ${noindexBy.join(' and ')}` });
  if (nofollowBy.length)
    issues.push({ check: 'nofollow', url, detail: `nofollow by ${nofollowBy.join(' and ')}` });
  return { noindex: noindexBy.length > 0, nofollow: nofollowBy.length > 0, issues };
}

// BCP 47 as hreflang uses it: language, optional script, optional region; or x-default.
const HREFLANG = /^(x-default|[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|\d{3}))?)$/i;

export function checkHreflang({ $, url }: PageView): SeoIssue[] {
  const links = $('link[rel~="alternate" i][hreflang]').toArray();
  if (links.length === 0) return [];
  const problems: string[] = [];
  for (const link of links) {
    const lang = ($(link).attr('hreflang') ?? '').trim();
    const href = ($(link).attr('href') ?? '').trim();
    if (!HREFLANG.test(lang)) problems.push(`invalid language code "${lang}": ${snippet($, link)}`);
    if (!isAbsoluteHttp(href)) problems.push(`href is not an absolute URL: ${snippet($, link)}`);
  }
  if (!links.some((l) => ($(l).attr('hreflang') ?? '').trim().toLowerCase() === 'x-default'))
    problems.push('no x-default alternate');
  return problems.map((detail) => ({ check: 'hreflang', url, detail }));
}

const OG = ['og:title', 'og:description', 'og:image', 'og:url'];

/** Open Graph's four basic properties and a Twitter card (link previews). */
export function checkSocial({ $, url }: PageView): SeoIssue[] {
  const has = (name: string) =>
    cleanText($(`meta[property="${name}"], meta[name="${name}"]`).first().attr('content')).length > 0;
  const missing = OG.filter((p) => !has(p));
  const issues: SeoIssue[] = [];
  if (missing.length) issues.push({ check: 'open_graph', url, detail: `missing ${missing.join(', ')}` });
  if (!has('twitter:card'))
    issues.push({ check: 'twitter_card', url, detail: 'no meta[name="twitter:card"]' });
  return issues;
}
