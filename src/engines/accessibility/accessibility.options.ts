import { Type, type Static } from 'typebox';

export const STANDARDS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa', 'best-practice'] as const;
export type Standard = (typeof STANDARDS)[number];

/** Each selector runs in the page; 20 of up to 500 characters is plenty for real use. */
export const MAX_SELECTORS = 20;
export const MAX_SELECTOR_LENGTH = 500;
const selectors = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: MAX_SELECTOR_LENGTH }), {
    maxItems: MAX_SELECTORS,
    default: [],
    description,
  });

export const AccessibilityOptions = Type.Object(
  {
    standard: Type.Union(
      STANDARDS.map((s) => Type.Literal(s)),
      {
        default: 'wcag2aa',
        description:
          'Rules to run: WCAG 2.0 A, 2.0 AA, 2.1 AA, 2.2 AA (each includes the levels below it), or WCAG 2.0 AA plus axe best practices.',
      },
    ),
    include: selectors('CSS selectors of the parts of the page to audit; the whole page when empty.'),
    exclude: selectors('CSS selectors of parts of the page to leave out of the audit.'),
    waitFor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_SELECTOR_LENGTH,
        description: 'A CSS selector to wait for (after the network is idle) before the audit.',
      }),
    ),
    viewport: Type.Object(
      {
        width: Type.Integer({ minimum: 320, maximum: 3840, default: 1280 }),
        height: Type.Integer({ minimum: 240, maximum: 2160, default: 800 }),
      },
      { additionalProperties: false, default: { width: 1280, height: 800 } },
    ),
    timeoutMs: Type.Integer({
      minimum: 1000,
      maximum: 120_000,
      default: 30_000,
      description: 'Longest wait for the page to load, for the waitFor selector, and for the audit.',
    }),
  },
  { additionalProperties: false },
);
export type AccessibilityOptions = Static<typeof AccessibilityOptions>;
