import type { Finding } from '../engine.ts';

/** One defect a check found: which check, on which page, and the element (selector or snippet). */
export interface SeoIssue {
  check: CheckId;
  url: string;
  /** What is wrong, naming the element(s). */
  detail: string;
  /** Occurrences this issue stands for (images without alt on the page, pages sharing a title). */
  count?: number;
  /** Overrides the catalog's severity (the tested page being unindexable is critical). */
  severity?: Finding['severity'];
}

interface CheckSpec {
  title: string;
  severity: Finding['severity'];
  /** Points off the score per issue, and at most `cap` for the check however many issues it has. */
  deduct: number;
  cap: number;
  recommendation: string;
}

/**
 * Every check with its severity and score weight (documented in docs/ENGINES.md). The score starts at
 * 100 and loses `deduct` per issue of a check, at most `cap` per check.
 */
export const CHECKS = {
  status: c(
    'The page does not answer 200',
    'critical',
    40,
    40,
    'Serve the page with status 200; search engines drop pages that fail.',
  ),
  redirect_chain: c(
    'Redirect chain before the page',
    'low',
    3,
    3,
    'Link to the final URL; keep at most one redirect.',
  ),
  title: c('Missing or empty title', 'high', 8, 16, 'Give every page a unique <title> of 10–60 characters.'),
  title_length: c(
    'Title length outside 10–60 characters',
    'low',
    2,
    6,
    'Keep titles 10–60 characters so results show them whole.',
  ),
  description: c(
    'Missing meta description',
    'medium',
    4,
    8,
    'Add <meta name="description"> of 50–160 characters summarising the page.',
  ),
  description_length: c(
    'Meta description length outside 50–160 characters',
    'low',
    1,
    4,
    'Keep descriptions 50–160 characters.',
  ),
  h1: c('Not exactly one h1', 'medium', 3, 6, 'Give the page one h1 naming its subject.'),
  heading_order: c(
    'Heading levels skipped',
    'low',
    1,
    3,
    'Nest headings in order (h1, then h2, then h3) without skipping levels.',
  ),
  lang: c('No lang on <html>', 'medium', 3, 3, 'Set <html lang="…"> to the language of the content.'),
  viewport: c(
    'No viewport meta tag',
    'medium',
    4,
    4,
    'Add <meta name="viewport" content="width=device-width, initial-scale=1">.',
  ),
  canonical: c(
    'Canonical link problem',
    'medium',
    3,
    9,
    'Point rel=canonical at an absolute, crawlable URL of this site (usually the page itself).',
  ),
  noindex: c(
    'Page excluded from the index (noindex)',
    'medium',
    3,
    9,
    'Remove noindex from pages that should appear in search results.',
  ),
  nofollow: c(
    'Links not followed (nofollow)',
    'low',
    1,
    3,
    'Remove nofollow unless the page links must not pass ranking signals.',
  ),
  robots_blocked: c(
    'Page blocked by robots.txt',
    'critical',
    30,
    30,
    'Allow the page in robots.txt for * and Googlebot, or it cannot be crawled.',
  ),
  img_alt: c(
    'Images without alt',
    'medium',
    2,
    8,
    'Describe each image in alt (alt="" for decorative ones).',
  ),
  link_text: c(
    'Links without text',
    'medium',
    2,
    6,
    'Give each link text, an aria-label, or an image with alt.',
  ),
  hreflang: c(
    'Invalid hreflang alternates',
    'low',
    2,
    4,
    'Use valid language codes (en, en-GB, x-default) and absolute URLs.',
  ),
  open_graph: c(
    'Open Graph tags missing',
    'low',
    1,
    2,
    'Add og:title, og:description, og:image and og:url for link previews.',
  ),
  twitter_card: c(
    'No Twitter card',
    'info',
    0,
    0,
    'Add <meta name="twitter:card" content="summary_large_image">.',
  ),
  structured_data: c(
    'Invalid structured data',
    'medium',
    3,
    6,
    'Make each application/ld+json block valid JSON with @context and @type.',
  ),
  mixed_content: c('Mixed content', 'high', 5, 10, 'Load every subresource of an https page over https.'),
  robots_txt: c('No robots.txt', 'low', 2, 2, 'Serve /robots.txt with the sitemap location.'),
  sitemap: c(
    'No sitemap found',
    'low',
    3,
    3,
    'Serve a sitemap and list it in robots.txt with a Sitemap: line.',
  ),
  broken_link: c('Broken internal link', 'high', 5, 25, 'Fix the target or update the links to it.'),
  redirected_link: c('Internal link redirects', 'low', 1, 5, 'Link to the final URL directly.'),
  duplicate_title: c('Duplicate title', 'medium', 3, 9, 'Give each page its own title.'),
  duplicate_description: c('Duplicate meta description', 'low', 2, 6, 'Give each page its own description.'),
  orphan_sitemap_url: c(
    'Sitemap URL not linked from the site',
    'low',
    1,
    5,
    'Link the page from the site, or drop it from the sitemap.',
  ),
} satisfies Record<string, CheckSpec>;
export type CheckId = keyof typeof CHECKS;

function c(
  title: string,
  severity: Finding['severity'],
  deduct: number,
  cap: number,
  recommendation: string,
): CheckSpec {
  return { title, severity, deduct, cap, recommendation };
}

/** Points lost per check (only checks with issues), from the catalog's weights and caps. */
export function deductions(issues: SeoIssue[]): Partial<Record<CheckId, number>> {
  const out: Partial<Record<CheckId, number>> = {};
  for (const issue of issues) {
    const spec = CHECKS[issue.check];
    out[issue.check] = Math.min(spec.cap, (out[issue.check] ?? 0) + spec.deduct);
  }
  return out;
}

export function score(issues: SeoIssue[]): number {
  const lost = Object.values(deductions(issues)).reduce((a, b) => a + b, 0);
  return Math.max(0, 100 - lost);
}

/** One finding per issue: the check's title, the page and element in the detail, the recommendation. */
export function toFinding(issue: SeoIssue): Finding {
  const spec = CHECKS[issue.check];
  return {
    severity: issue.severity ?? spec.severity,
    title: spec.title,
    detail: `${issue.url}: ${issue.detail}`,
    recommendation: spec.recommendation,
  };
}
