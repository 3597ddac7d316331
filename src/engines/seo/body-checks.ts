import type { CheerioAPI } from 'cheerio';
import { absoluteUrl, cleanText, listSnippets, snippet, type Node } from './html-utils.ts';
import type { SeoIssue } from './seo-checks.ts';
import type { PageView } from './head-checks.ts';

export function checkHeadings({ $, url }: PageView): { h1Count: number; issues: SeoIssue[] } {
  const h1Count = $('h1').length;
  const issues: SeoIssue[] = [];
  if (h1Count !== 1)
    issues.push({
      check: 'h1',
      url,
      detail: h1Count === 0 ? 'no h1' : `${h1Count} h1 elements: ${listSnippets($, $('h1').toArray(), 3)}`,
    });
  const skips: string[] = [];
  let previous = 0;
  for (const el of $('h1, h2, h3, h4, h5, h6').toArray()) {
    const level = Number(el.tagName.slice(1));
    if (previous && level > previous + 1) skips.push(`h${previous} → ${snippet($, el, 60)}`);
    previous = level;
  }
  if (skips.length)
    issues.push({ check: 'heading_order', url, detail: `skipped levels: ${skips.slice(0, 5).join('; ')}` });
  return { h1Count, issues };
}

export function checkImages({ $, url }: PageView): { missingAlt: number; issues: SeoIssue[] } {
  const missing = $('img:not([alt])').toArray();
  if (!missing.length) return { missingAlt: 0, issues: [] };
  const detail = `${missing.length} image(s) without alt: ${listSnippets($, missing)}`;
  return { missingAlt: missing.length, issues: [{ check: 'img_alt', url, detail, count: missing.length }] };
}

function hasAccessibleName($: CheerioAPI, el: Node): boolean {
  const a = $(el);
  if (cleanText(a.text())) return true;
  if (cleanText(a.attr('aria-label'))) return true;
  if (a.attr('aria-labelledby')) return true;
  return a
    .find('img[alt]')
    .toArray()
    .some((img) => cleanText($(img).attr('alt')).length > 0);
}

export function checkLinkText({ $, url }: PageView): { linksWithoutText: number; issues: SeoIssue[] } {
  const bare = $('a[href]')
    .toArray()
    .filter((el) => !hasAccessibleName($, el));
  if (!bare.length) return { linksWithoutText: 0, issues: [] };
  const detail = `${bare.length} link(s) without text: ${listSnippets($, bare)}`;
  return { linksWithoutText: bare.length, issues: [{ check: 'link_text', url, detail, count: bare.length }] };
}

/** Why a JSON-LD value is not usable structured data, or null when it is. */
export function jsonLdProblem(text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (!item || typeof item !== 'object') return 'not a JSON object';
    const o = item as Record<string, unknown>;
    if (!o['@context']) return 'no @context';
    const graph = Array.isArray(o['@graph']) ? (o['@graph'] as Array<Record<string, unknown>>) : [o];
    if (graph.some((g) => !g || typeof g !== 'object' || !g['@type'])) return 'no @type';
  }
  return null;
}

export function checkStructuredData({ $, url }: PageView): {
  blocks: number;
  errors: number;
  issues: SeoIssue[];
} {
  const blocks = $('script[type="application/ld+json" i]').toArray();
  const issues: SeoIssue[] = [];
  blocks.forEach((el, i) => {
    const problem = jsonLdProblem($(el).text());
    if (problem) issues.push({ check: 'structured_data', url, detail: `JSON-LD block ${i + 1}: ${problem}` });
  });
  return { blocks: blocks.length, errors: issues.length, issues };
}

const SUBRESOURCES: Array<[string, string]> = [
  ['script[src]', 'src'],
  ['link[rel~="stylesheet" i][href]', 'href'],
  ['img[src]', 'src'],
  ['iframe[src]', 'src'],
  ['video[src], audio[src], source[src], embed[src]', 'src'],
  ['object[data]', 'data'],
];

/** http: subresources on an https page: browsers block or flag them. */
export function checkMixedContent({ $, url }: PageView): SeoIssue[] {
  if (!url.startsWith('https:')) return [];
  const insecure = SUBRESOURCES.flatMap(([selector, attr]) =>
    $(selector)
      .toArray()
      .filter((el) => /^http:\/\//i.test(($(el).attr(attr) ?? '').trim())),
  );
  if (!insecure.length) return [];
  return [
    {
      check: 'mixed_content',
      url,
      detail: `${insecure.length} http: subresource(s): ${listSnippets($, insecure)}`,
      count: insecure.length,
    },
  ];
}

/** Distinct http(s) link targets of the page, resolved against <base>, without fragments, in page order. */
export function extractLinks($: CheerioAPI, pageUrl: string): string[] {
  const base = absoluteUrl($('base[href]').attr('href'), pageUrl) ?? pageUrl;
  const out = new Set<string>();
  for (const el of $('a[href]').toArray()) {
    const url = absoluteUrl($(el).attr('href'), base);
    if (url) out.add(url);
  }
  return [...out];
}
