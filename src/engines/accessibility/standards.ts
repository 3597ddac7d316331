import type { Standard } from './accessibility.options.ts';

/**
 * axe-core tags each rule with the WCAG level that introduced it, not the levels it belongs to, so a
 * standard runs its own tag and every tag below it: WCAG 2.1 AA is 2.0 A + 2.0 AA + 2.1 A + 2.1 AA.
 * axe-core has no `wcag22a` tag (WCAG 2.2's A criteria it checks are tagged 2.0/2.1); best practices are
 * added to WCAG 2.0 AA, the level most sites are asked to meet.
 */
export const STANDARD_TAGS: Record<Standard, readonly string[]> = {
  wcag2a: ['wcag2a'],
  wcag2aa: ['wcag2a', 'wcag2aa'],
  wcag21aa: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
  wcag22aa: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'],
  'best-practice': ['wcag2a', 'wcag2aa', 'best-practice'],
};

/**
 * The WCAG success criteria of a rule from its tags: `wcag143` → "1.4.3", `wcag1412` → "1.4.12".
 * Principles and guidelines are single digits, so the rest is the criterion; level tags (`wcag2aa`,
 * `wcag21a`) carry letters and are skipped.
 */
export function wcagCriteria(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const m = /^wcag(\d)(\d)(\d{1,2})$/.exec(tag);
    if (m) out.push(`${m[1]}.${m[2]}.${m[3]}`);
  }
  return [...new Set(out)];
}
