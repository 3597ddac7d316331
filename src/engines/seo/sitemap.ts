import * as cheerio from 'cheerio';
import { absoluteUrl } from './html-utils.ts';
import { requestError, type SeoFetcher } from './seo-fetcher.ts';

/** The sitemap bounds (the sitemaps.org protocol's own limits are 50 MiB and 50,000 URLs per file). */
export const SITEMAP_LIMITS = { maxBytes: 5 * 1024 * 1024, maxFiles: 10, maxUrls: 50_000 } as const;

export interface ParsedSitemap {
  kind: 'index' | 'urlset' | 'unknown';
  locs: string[];
}

/** `<sitemapindex>` (locs are sitemaps) or `<urlset>` (locs are pages); anything else is unknown. */
export function parseSitemap(xml: string, fileUrl: string): ParsedSitemap {
  const $ = cheerio.load(xml, { xml: true });
  const root = $.root().children().first();
  const name = (root.prop('tagName') ?? '').toLowerCase().replace(/^.*:/, '');
  const child = name === 'sitemapindex' ? 'sitemap' : name === 'urlset' ? 'url' : null;
  if (!child) return { kind: 'unknown', locs: [] };
  const locs = root
    .children()
    .filter((_, el) => el.tagName.toLowerCase().replace(/^.*:/, '') === child)
    .map((_, el) =>
      $(el)
        .children()
        .filter((_, c) => c.tagName.toLowerCase().replace(/^.*:/, '') === 'loc')
        .first()
        .text()
        .trim(),
    )
    .get()
    .map((loc) => absoluteUrl(loc, fileUrl))
    .filter((u): u is string => u !== null);
  return { kind: name === 'sitemapindex' ? 'index' : 'urlset', locs };
}

export interface SitemapFile {
  url: string;
  status: number | null;
  kind: ParsedSitemap['kind'] | 'error';
  entries: number;
  error?: string;
}

export interface SitemapSummary {
  /** Where the sitemaps came from: robots.txt's Sitemap lines, or the /sitemap.xml guess. */
  source: 'robots.txt' | 'default';
  files: SitemapFile[];
  urls: string[];
  /** A bound stopped the reading (more files or URLs than allowed). */
  truncated: boolean;
}

async function readFile(fetcher: SeoFetcher, url: string): Promise<SitemapFile & { locs: string[] }> {
  try {
    const res = await fetcher.get(url, { maxBytes: SITEMAP_LIMITS.maxBytes });
    if (res.status >= 400)
      return { url, status: res.status, kind: 'error', entries: 0, error: `HTTP ${res.status}`, locs: [] };
    if (res.truncated)
      return { url, status: res.status, kind: 'error', entries: 0, error: 'larger than 5 MiB', locs: [] };
    const parsed = parseSitemap(res.body.toString('utf8'), res.url);
    return { url, status: res.status, kind: parsed.kind, entries: parsed.locs.length, locs: parsed.locs };
  } catch (err) {
    return {
      url,
      status: null,
      kind: 'error',
      entries: 0,
      error: requestError(err, fetcher.signal),
      locs: [],
    };
  }
}

/** Reads the sitemaps breadth first, following index files, within SITEMAP_LIMITS. */
export async function readSitemaps(
  fetcher: SeoFetcher,
  pageUrl: string,
  fromRobots: string[],
): Promise<SitemapSummary> {
  const queue = fromRobots.length ? [...fromRobots] : [new URL('/sitemap.xml', pageUrl).href];
  const seen = new Set(queue);
  const files: SitemapFile[] = [];
  const urls = new Set<string>();
  let truncated = false;
  while (queue.length) {
    if (files.length >= SITEMAP_LIMITS.maxFiles) {
      truncated = true;
      break;
    }
    const { locs, ...file } = await readFile(fetcher, queue.shift()!);
    files.push(file);
    if (file.kind === 'index') {
      for (const loc of locs.filter((l) => !seen.has(l))) {
        seen.add(loc);
        queue.push(loc);
      }
      continue;
    }
    for (const loc of locs) {
      if (urls.size >= SITEMAP_LIMITS.maxUrls) truncated = true;
      else urls.add(loc);
    }
  }
  return { source: fromRobots.length ? 'robots.txt' : 'default', files, urls: [...urls], truncated };
}
