import robotsParserModule from 'robots-parser';
import type { SeoFetcher } from './seo-fetcher.ts';
import { requestError } from './seo-fetcher.ts';

export interface RobotsSummary {
  url: string;
  /** HTTP status of robots.txt, or null when it could not be fetched. */
  status: number | null;
  found: boolean;
  error?: string;
  /** The tested page, for `*` and for Googlebot. */
  pageAllowedForAll: boolean;
  pageAllowedForGooglebot: boolean;
  sitemaps: string[];
}

export interface Robots {
  summary: RobotsSummary;
  /** Allowed for `*` and Googlebot (what the canonical and page checks ask). */
  allowsSearch(url: string): boolean;
  /** Allowed for this crawler (its own group, else `*`): what the crawl obeys. */
  allowsCrawl(url: string): boolean;
}

// A CommonJS module whose typings declare an ES default export: under Node's ESM the default import is
// module.exports itself, the function, while TypeScript (NodeNext) types it as the namespace.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

const ROBOTS_MAX_BYTES = 512 * 1024;

/** robots.txt of `pageUrl`'s origin, parsed (pure). An absent file (no text) allows everything. */
export function parseRobots(pageUrl: string, text: string, status: number | null, error?: string): Robots {
  const url = new URL('/robots.txt', pageUrl).href;
  const robot = robotsParser(url, text);
  // isAllowed is undefined for a URL of another origin: robots.txt says nothing about it.
  const allowed = (u: string, ua: string) => robot.isAllowed(u, ua) !== false;
  const allowsSearch = (u: string) => allowed(u, '*') && allowed(u, 'Googlebot');
  return {
    summary: {
      url,
      status,
      found: status !== null && status >= 200 && status < 300,
      error,
      pageAllowedForAll: allowed(pageUrl, '*'),
      pageAllowedForGooglebot: allowed(pageUrl, 'Googlebot'),
      sitemaps: robot.getSitemaps(),
    },
    allowsSearch,
    allowsCrawl: (u) => allowed(u, 'TestWeb'),
  };
}

/** Fetches and parses robots.txt; a 4xx or an error counts as no file (crawlers then allow everything). */
export async function readRobots(fetcher: SeoFetcher, pageUrl: string): Promise<Robots> {
  const url = new URL('/robots.txt', pageUrl).href;
  try {
    const res = await fetcher.get(url, { maxBytes: ROBOTS_MAX_BYTES });
    const ok = res.status >= 200 && res.status < 300;
    return parseRobots(pageUrl, ok ? res.body.toString('utf8') : '', res.status);
  } catch (err) {
    return parseRobots(pageUrl, '', null, requestError(err, fetcher.signal));
  }
}
