import { Type, type Static } from 'typebox';
import { Headers } from '../shared/headers.ts';

/** The seo engine's options; every bound of the crawl is one of these, so a run's requests are bounded. */
export const SeoOptions = Type.Object(
  {
    maxPages: Type.Integer({
      minimum: 1,
      maximum: 200,
      default: 20,
      description: 'Pages fetched by the crawl, the tested page included.',
    }),
    maxDepth: Type.Integer({
      minimum: 0,
      maximum: 10,
      default: 3,
      description: 'Link hops from the tested page the crawl follows (0: the page alone).',
    }),
    concurrency: Type.Integer({ minimum: 1, maximum: 10, default: 4, description: 'Requests at once.' }),
    maxLinkChecks: Type.Integer({
      minimum: 0,
      maximum: 500,
      default: 100,
      description: 'Internal links found on crawled pages but not crawled, checked for their status.',
    }),
    timeoutMs: Type.Integer({
      minimum: 100,
      maximum: 120_000,
      default: 15_000,
      description: 'Timeout of each request.',
    }),
    headers: Type.Optional(Headers),
    insecureTls: Type.Boolean({
      default: false,
      description: 'Accept self-signed or otherwise untrusted certificates.',
    }),
  },
  { additionalProperties: false },
);
export type SeoOptions = Static<typeof SeoOptions>;
