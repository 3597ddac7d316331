import type { Finding } from '../engine.ts';
import type { FetchedResource } from './resource-fetcher.ts';

/** Inputs of the score: medians of the document runs plus the page's resources. */
export interface PageFacts {
  url: string;
  status: number;
  ttfbMs: number;
  totalMs: number;
  pageWeightBytes: number;
  requestsTotal: number;
  redirects: number;
  httpVersion: string;
  documentCompressible: boolean;
  documentCompressed: boolean;
  documentFreshnessSeconds: number;
  resources: FetchedResource[];
}

/**
 * Score weights (sum 100), documented in docs/ENGINES.md. Each part earns its weight in full at or below
 * the "good" value and nothing at or above the "bad" value, linearly in between.
 */
export const SCORE_WEIGHTS = {
  ttfb: 25,
  loadTime: 15,
  pageWeight: 20,
  requests: 10,
  compression: 15,
  caching: 10,
  health: 5,
} as const;
export const SCORE_BOUNDS = {
  ttfbMs: { good: 200, bad: 1800 },
  totalMs: { good: 1000, bad: 5000 },
  pageWeightBytes: { good: 1_000_000, bad: 6_000_000 },
  requests: { good: 30, bad: 150 },
} as const;

function linear(value: number, bounds: { good: number; bad: number }): number {
  if (value <= bounds.good) return 1;
  if (value >= bounds.bad) return 0;
  return (bounds.bad - value) / (bounds.bad - bounds.good);
}

function share(ok: number, total: number): number {
  return total === 0 ? 1 : ok / total;
}

export function scoreBreakdown(f: PageFacts): Record<keyof typeof SCORE_WEIGHTS, number> {
  const loaded = f.resources.filter((r) => r.status > 0 && r.status < 400);
  const compressible =
    loaded.filter((r) => r.uncompressedText || r.encoding).length + (f.documentCompressible ? 1 : 0);
  const compressed = loaded.filter((r) => r.encoding).length + (f.documentCompressed ? 1 : 0);
  const cached = loaded.filter((r) => r.freshnessSeconds > 0).length;
  const healthy = f.status >= 400 ? 0 : share(loaded.length, f.resources.length);
  return {
    ttfb: SCORE_WEIGHTS.ttfb * linear(f.ttfbMs, SCORE_BOUNDS.ttfbMs),
    loadTime: SCORE_WEIGHTS.loadTime * linear(f.totalMs, SCORE_BOUNDS.totalMs),
    pageWeight: SCORE_WEIGHTS.pageWeight * linear(f.pageWeightBytes, SCORE_BOUNDS.pageWeightBytes),
    requests: SCORE_WEIGHTS.requests * linear(f.requestsTotal, SCORE_BOUNDS.requests),
    compression: SCORE_WEIGHTS.compression * share(compressed, compressible),
    caching: SCORE_WEIGHTS.caching * share(cached, loaded.length),
    health: SCORE_WEIGHTS.health * healthy,
  };
}

export function score(f: PageFacts): number {
  return Math.round(Object.values(scoreBreakdown(f)).reduce((a, b) => a + b, 0));
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const list = (rs: FetchedResource[]) =>
  rs
    .slice(0, 10)
    .map((r) => `${r.url} (${kb(r.bodyBytes)})`)
    .join('; ');

export function findings(f: PageFacts): Finding[] {
  const out: Finding[] = [];
  const add = (severity: Finding['severity'], title: string, detail: string, recommendation: string) =>
    out.push({ severity, title, detail, recommendation });
  if (f.status >= 400)
    add(
      'critical',
      `The page answers ${f.status}`,
      `${f.url} returned HTTP ${f.status}.`,
      'Fix the server error or the URL; a failing page cannot be measured meaningfully.',
    );
  if (f.ttfbMs > 800)
    add(
      f.ttfbMs > 1800 ? 'high' : 'medium',
      'Slow time to first byte',
      `Median TTFB is ${Math.round(f.ttfbMs)} ms (good: ≤ ${SCORE_BOUNDS.ttfbMs.good} ms).`,
      'Cache rendered pages or data on the server, use a CDN close to users, and profile slow backend queries.',
    );
  if (f.redirects > 0)
    add(
      f.redirects > 1 ? 'medium' : 'low',
      `${f.redirects} redirect(s) before the page`,
      `Each redirect costs a round trip before any content loads.`,
      'Link to the final URL directly and keep at most one redirect (e.g. http → https).',
    );
  if (f.documentCompressible && !f.documentCompressed)
    add(
      'high',
      'The HTML document is not compressed',
      'The document is sent without gzip or brotli.',
      'Enable gzip or brotli for text/html in the web server or CDN.',
    );
  const uncompressed = f.resources.filter((r) => r.uncompressedText);
  if (uncompressed.length)
    add(
      'medium',
      `${uncompressed.length} text resource(s) sent uncompressed`,
      list(uncompressed),
      'Enable gzip or brotli for JavaScript, CSS, JSON and SVG responses.',
    );
  const uncached = f.resources.filter((r) => r.status > 0 && r.status < 400 && r.freshnessSeconds === 0);
  if (uncached.length)
    add(
      'medium',
      `${uncached.length} static resource(s) without a cache lifetime`,
      uncached
        .slice(0, 10)
        .map((r) => r.url)
        .join('; '),
      'Serve versioned assets with Cache-Control: public, max-age=31536000, immutable, and give others a max-age that fits how often they change.',
    );
  const large = f.resources.filter((r) => r.transferBytes > 500 * 1024);
  if (large.length)
    add(
      'medium',
      `${large.length} resource(s) over 500 KiB`,
      list(large),
      'Compress and resize images (WebP/AVIF), split large scripts and load them lazily.',
    );
  if (f.pageWeightBytes > SCORE_BOUNDS.pageWeightBytes.good)
    add(
      f.pageWeightBytes > 3_000_000 ? 'high' : 'medium',
      'Heavy page',
      `The page transfers ${kb(f.pageWeightBytes)} in ${f.requestsTotal} requests.`,
      'Remove unused code and images, and defer what is not needed for the first view.',
    );
  if (f.requestsTotal > SCORE_BOUNDS.requests.good)
    add(
      'low',
      'Many requests',
      `The page makes ${f.requestsTotal} requests.`,
      'Bundle small scripts and styles, inline critical CSS, and use sprites or inline SVG for icons.',
    );
  const broken = f.resources.filter((r) => r.status === 0 || r.status >= 400);
  if (broken.length)
    add(
      'high',
      `${broken.length} resource(s) failed to load`,
      broken
        .slice(0, 10)
        .map((r) => `${r.url}: ${r.error ?? `HTTP ${r.status}`}`)
        .join('; '),
      'Fix or remove references to missing resources; each one wastes a request.',
    );
  if (f.url.startsWith('http:'))
    add(
      'medium',
      'The page is served over plain HTTP',
      'Traffic can be read and modified in transit, and browsers mark the page as not secure.',
      'Serve the site over HTTPS and redirect HTTP to it.',
    );
  else if (f.httpVersion !== '2')
    add(
      'low',
      'HTTP/2 is not used',
      `The server negotiated HTTP/${f.httpVersion}.`,
      'Enable HTTP/2 (or HTTP/3) so that resources load in parallel over one connection.',
    );
  if (f.documentFreshnessSeconds === 0 && out.length === 0)
    add(
      'info',
      'The document has no cache lifetime',
      'Fine for dynamic HTML; static pages could be cached.',
      'Consider a short max-age or stale-while-revalidate for static pages.',
    );
  return out;
}
