import * as cheerio from 'cheerio';
import {
  checkHeadings,
  checkImages,
  checkLinkText,
  checkMixedContent,
  checkStructuredData,
  extractLinks,
} from './body-checks.ts';
import {
  checkCanonical,
  checkDescription,
  checkHreflang,
  checkLangAndViewport,
  checkRobotsDirectives,
  checkSocial,
  checkTitle,
  type PageView,
} from './head-checks.ts';
import type { CheckId, SeoIssue } from './seo-checks.ts';

export interface PageInput {
  url: string;
  headers: Record<string, string>;
  html: string;
  robotsAllows?: (url: string) => boolean;
  /** The tested page also gets the social-preview checks (Open Graph, Twitter card). */
  primary?: boolean;
}

/** What the page checks found on one page: facts, each check's verdict, the issues, the page's links. */
export interface PageReport {
  url: string;
  title: string | null;
  description: string | null;
  canonical: string | null;
  lang: string | null;
  h1Count: number;
  noindex: boolean;
  nofollow: boolean;
  missingAlt: number;
  linksWithoutText: number;
  structuredDataBlocks: number;
  structuredDataErrors: number;
  /** Each check run on the page: true when it passed. */
  checks: Partial<Record<CheckId, boolean>>;
  issues: SeoIssue[];
  links: string[];
}

const PAGE_CHECKS: CheckId[] = [
  'title',
  'title_length',
  'description',
  'description_length',
  'h1',
  'heading_order',
  'lang',
  'viewport',
  'canonical',
  'noindex',
  'nofollow',
  'img_alt',
  'link_text',
  'hreflang',
  'structured_data',
  'mixed_content',
];
const PRIMARY_CHECKS: CheckId[] = ['open_graph', 'twitter_card'];

/** Runs every page check on one HTML page (pure: no requests). */
export function checkPage(input: PageInput): PageReport {
  const view: PageView = {
    $: cheerio.load(input.html),
    url: input.url,
    headers: input.headers,
    robotsAllows: input.robotsAllows,
  };
  const title = checkTitle(view);
  const description = checkDescription(view);
  const langViewport = checkLangAndViewport(view);
  const canonical = checkCanonical(view);
  const robots = checkRobotsDirectives(view);
  const headings = checkHeadings(view);
  const images = checkImages(view);
  const linkText = checkLinkText(view);
  const structured = checkStructuredData(view);
  const issues = [
    ...title.issues,
    ...description.issues,
    ...headings.issues,
    ...langViewport.issues,
    ...canonical.issues,
    ...robots.issues,
    ...images.issues,
    ...linkText.issues,
    ...checkHreflang(view),
    ...structured.issues,
    ...checkMixedContent(view),
    ...(input.primary ? checkSocial(view) : []),
  ];
  const ran = input.primary ? [...PAGE_CHECKS, ...PRIMARY_CHECKS] : PAGE_CHECKS;
  const failed = new Set(issues.map((i) => i.check));
  return {
    url: input.url,
    title: title.title,
    description: description.description,
    canonical: canonical.canonical,
    lang: langViewport.lang,
    h1Count: headings.h1Count,
    noindex: robots.noindex,
    nofollow: robots.nofollow,
    missingAlt: images.missingAlt,
    linksWithoutText: linkText.linksWithoutText,
    structuredDataBlocks: structured.blocks,
    structuredDataErrors: structured.errors,
    checks: Object.fromEntries(ran.map((id) => [id, !failed.has(id)])),
    issues,
    links: extractLinks(view.$, input.url),
  };
}
