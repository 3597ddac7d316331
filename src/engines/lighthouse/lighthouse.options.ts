import { Type, type Static } from 'typebox';
import { Headers } from '../shared/headers.ts';

export const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;

/** Most runs of one test: each is a fresh Chromium and 5–30 s of a worker's slot. */
export const MAX_RUNS = 5;

export const LighthouseOptions = Type.Object(
  {
    categories: Type.Array(
      Type.Union([
        Type.Literal('performance'),
        Type.Literal('accessibility'),
        Type.Literal('best-practices'),
        Type.Literal('seo'),
      ]),
      {
        minItems: 1,
        maxItems: CATEGORIES.length,
        uniqueItems: true,
        default: [...CATEGORIES],
        description: 'Lighthouse categories to audit; fewer categories make a shorter run.',
      },
    ),
    formFactor: Type.Union([Type.Literal('mobile'), Type.Literal('desktop')], {
      default: 'mobile',
      description:
        "Lighthouse's presets: a Moto G Power screen and slow 4G with a 4× slower CPU (mobile), or a 1350×940 screen on a fast connection (desktop).",
    }),
    throttling: Type.Union([Type.Literal('simulate'), Type.Literal('devtools'), Type.Literal('none')], {
      default: 'simulate',
      description:
        "simulate: load at full speed and compute the metrics the preset's network and CPU would give (Lighthouse's default, least variable); devtools: slow the page down in Chromium while it loads; none: measure as loaded from this server.",
    }),
    runs: Type.Integer({
      minimum: 1,
      maximum: MAX_RUNS,
      default: 1,
      description: 'Lighthouse runs, each in a fresh Chromium; the median run is reported.',
    }),
    // At most 90 s: after the load Lighthouse still gathers and audits for 5–30 s, and the whole run
    // must fit in the pool's session cap (BROWSER_SESSION_TIMEOUT, 120 s by default).
    timeoutMs: Type.Integer({
      minimum: 5000,
      maximum: 90_000,
      default: 45_000,
      description: 'Longest wait for the page to load in each run.',
    }),
    headers: Type.Optional(Headers),
  },
  { additionalProperties: false },
);
export type LighthouseOptions = Static<typeof LighthouseOptions>;
export type Throttling = LighthouseOptions['throttling'];
