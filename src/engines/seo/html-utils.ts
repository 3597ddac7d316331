import type { CheerioAPI } from 'cheerio';

/** An element as cheerio's html() takes it (no direct domhandler import). */
export type Node = NonNullable<Parameters<CheerioAPI['html']>[0]>;

/** An element's outer HTML, whitespace collapsed and cut at `max` characters, to name it in a finding. */
export function snippet($: CheerioAPI, el: Node, max = 100): string {
  const html = ($.html(el) ?? '').replace(/\s+/g, ' ').trim();
  return html.length > max ? `${html.slice(0, max - 1)}…` : html;
}

/** Up to `max` snippets joined, with how many more there are. */
export function listSnippets($: CheerioAPI, els: Node[], max = 5): string {
  const shown = els.slice(0, max).map((el) => snippet($, el));
  return els.length > max ? `${shown.join(', ')} and ${els.length - max} more` : shown.join(', ');
}

/** Collapsed text (titles and descriptions are shown that way). */
export function cleanText(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** Characters as people count them (code points, not UTF-16 units). */
export function charCount(text: string): number {
  return [...text].length;
}

/** `ref` resolved against `base` as an http(s) URL without its fragment, or null. */
export function absoluteUrl(ref: string | undefined, base: string): string | null {
  const trimmed = ref?.trim();
  if (!trimmed || trimmed.startsWith('#')) return null;
  try {
    const url = new URL(trimmed, base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

export function isAbsoluteHttp(ref: string): boolean {
  return /^https?:\/\//i.test(ref.trim());
}

/** Registrable-ish site of a host: its last two labels (example.co.uk is close enough for a warning). */
export function siteOf(host: string): string {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return host;
  return host.split('.').slice(-2).join('.');
}
