import * as cheerio from 'cheerio';

export type ResourceType = 'script' | 'style' | 'image' | 'font' | 'other';

export interface ResourceRef {
  url: string;
  type: ResourceType;
}

const FONT_EXT = /\.(woff2?|ttf|otf|eot)(\?|#|$)/i;

function absolute(ref: string | undefined, base: string): string | null {
  if (!ref) return null;
  const trimmed = ref.trim();
  if (!trimmed || trimmed.startsWith('data:') || trimmed.startsWith('#')) return null;
  try {
    const url = new URL(trimmed, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

// srcset is "url 1x, url 2x"; a browser fetches one candidate, so take the first.
function firstSrcset(srcset: string | undefined): string | undefined {
  return srcset?.split(',')[0]?.trim().split(/\s+/)[0];
}

/** Subresources a browser would fetch for this HTML: scripts, stylesheets, images, icons, preloaded fonts. */
export function extractResources(html: string, pageUrl: string): ResourceRef[] {
  const $ = cheerio.load(html);
  const base = absolute($('base[href]').attr('href'), pageUrl) ?? pageUrl;
  const found: ResourceRef[] = [];
  const add = (ref: string | undefined, type: ResourceType) => {
    const url = absolute(ref, base);
    if (url) found.push({ url, type });
  };
  $('script[src]').each((_, el) => add($(el).attr('src'), 'script'));
  $('link[href]').each((_, el) => {
    const rel = ($(el).attr('rel') ?? '').toLowerCase().split(/\s+/);
    const as = ($(el).attr('as') ?? '').toLowerCase();
    const href = $(el).attr('href');
    if (rel.includes('stylesheet')) add(href, 'style');
    else if (rel.includes('icon')) add(href, 'image');
    else if (rel.includes('preload') || rel.includes('modulepreload'))
      add(href, as === 'font' ? 'font' : as === 'style' ? 'style' : as === 'image' ? 'image' : 'script');
  });
  $('img').each((_, el) => add($(el).attr('src') ?? firstSrcset($(el).attr('srcset')), 'image'));
  $('picture source[srcset]').each((_, el) => add(firstSrcset($(el).attr('srcset')), 'image'));
  $('video[poster]').each((_, el) => add($(el).attr('poster'), 'image'));
  $('style').each((_, el) => {
    found.push(...extractCssFonts($(el).text(), base));
  });
  return dedupe(found);
}

/** Fonts referenced by url(...) in a stylesheet, resolved against the stylesheet's URL. */
export function extractCssFonts(css: string, cssUrl: string): ResourceRef[] {
  const out: ResourceRef[] = [];
  for (const match of css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) {
    const ref = match[2];
    if (ref && FONT_EXT.test(ref)) {
      const url = absolute(ref, cssUrl);
      if (url) out.push({ url, type: 'font' });
    }
  }
  return dedupe(out);
}

export function dedupe(refs: ResourceRef[]): ResourceRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => (seen.has(r.url) ? false : (seen.add(r.url), true)));
}
