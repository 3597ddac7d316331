import type { TestEngine } from '../engine.ts';
import { enginesOf, type WebsitePart } from './website-part.ts';

interface PartSettings {
  weight: number;
  cost: Record<string, number>;
  defaults?: WebsitePart['defaults'];
  headline: string[];
}

/**
 * The product parts' settings by key. Weights (docs/ENGINES.md, "website"): performance 30,
 * accessibility 25, seo 25, security 20 — speed first, then whether everyone can use the page and find
 * it, then its headers (a grade that is mostly configuration). Costs are seconds measured here
 * (bench/browser-engines: Lighthouse ~15 s, axe ~2 s; the HTTP engines about 1 s, a 20-page crawl ~5 s).
 */
export const PART_SETTINGS: Record<string, PartSettings> = {
  performance: {
    weight: 30,
    cost: { lighthouse: 15, performance: 1 },
    // The other Lighthouse categories are parts of their own here (axe, the seo engine).
    defaults: { lighthouse: { categories: ['performance'] } },
    headline: ['lcp_ms', 'cls', 'tbt_ms', 'ttfb_ms'],
  },
  accessibility: { weight: 25, cost: { accessibility: 3 }, headline: ['violations_total'] },
  seo: { weight: 25, cost: { seo: 5 }, headline: ['broken_links', 'pages_crawled'] },
  security: { weight: 20, cost: { security: 2 }, headline: ['grade_score', 'tls_cert_days_left'] },
};

/**
 * A product part: its engine (and the one to fall back to) with the settings above; the headline
 * metrics kept are those its engines declare.
 *
 * @example websitePart('performance', lighthouseEngine, performanceEngine)
 */
export function websitePart(key: string, engine: TestEngine, fallback?: TestEngine): WebsitePart {
  const settings = PART_SETTINGS[key];
  if (!settings) throw new Error(`no website part settings for ${key}`);
  const part: WebsitePart = { key, engine, ...(fallback ? { fallback } : {}), ...settings };
  const declared = (m: string) => enginesOf(part).some((e) => e.metrics?.[m] !== undefined);
  return { ...part, headline: settings.headline.filter(declared) };
}
