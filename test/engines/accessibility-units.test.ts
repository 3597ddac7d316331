import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  accessibilityPassed,
  accessibilityScore,
} from '../../src/engines/accessibility/accessibility-score.ts';
import {
  groupViolations,
  MAX_NODES_PER_RULE,
  MAX_SNIPPET_CHARS,
  needsReview,
  violationCounts,
  type AxeRule,
} from '../../src/engines/accessibility/axe-results.ts';
import { STANDARD_TAGS, wcagCriteria } from '../../src/engines/accessibility/standards.ts';

const rule = (id: string, impact: string | null, nodes: number, tags: string[] = []): AxeRule => ({
  id,
  impact,
  tags,
  help: `${id} help`,
  description: `${id} description`,
  helpUrl: `https://dequeuniversity.com/rules/axe/4.11/${id}`,
  nodes: Array.from({ length: nodes }, (_, i) => ({
    target: [`#${id}-${i}`],
    html: `<p id="${id}-${i}"></p>`,
  })),
});

// The axe-core the engine runs (@axe-core/playwright's own copy), for the rules' real tags.
const axe = createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright'))('axe-core') as {
  getRules(): Array<{ ruleId: string; tags: string[] }>;
};
const tagsOf = (id: string) => axe.getRules().find((r) => r.ruleId === id)!.tags;
const runsUnder = (id: string, standard: keyof typeof STANDARD_TAGS) =>
  tagsOf(id).some((t) => STANDARD_TAGS[standard].includes(t));

describe('accessibility: WCAG criteria and standards', () => {
  it('reads success criteria from axe-core tags and skips level tags', () => {
    expect(wcagCriteria(['cat.color', 'wcag2aa', 'wcag143'])).toEqual(['1.4.3']);
    expect(wcagCriteria(['wcag2a', 'wcag244', 'wcag412', 'wcag21aa', 'best-practice'])).toEqual([
      '2.4.4',
      '4.1.2',
    ]);
    expect(wcagCriteria(['wcag1412', 'wcag2411', 'wcag258'])).toEqual(['1.4.12', '2.4.11', '2.5.8']);
    expect(wcagCriteria(['wcag111', 'wcag111'])).toEqual(['1.1.1']);
  });

  it('runs each standard with every level below it', () => {
    expect(STANDARD_TAGS.wcag2aa).toEqual(['wcag2a', 'wcag2aa']);
    expect(STANDARD_TAGS.wcag21aa).toEqual(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
    expect(STANDARD_TAGS.wcag22aa).toEqual([...STANDARD_TAGS.wcag21aa, 'wcag22aa']);
    expect(STANDARD_TAGS['best-practice']).toEqual([...STANDARD_TAGS.wcag2aa, 'best-practice']);
  });

  it('matches the rules axe-core tags: region is a best practice, contrast is AA, target size is 2.2', () => {
    expect(runsUnder('region', 'wcag22aa')).toBe(false);
    expect(runsUnder('region', 'best-practice')).toBe(true);
    expect(runsUnder('color-contrast', 'wcag2a')).toBe(false);
    expect(runsUnder('color-contrast', 'wcag2aa')).toBe(true);
    expect(runsUnder('target-size', 'wcag21aa')).toBe(false);
    expect(runsUnder('target-size', 'wcag22aa')).toBe(true);
    expect(runsUnder('image-alt', 'wcag2a')).toBe(true);
  });
});

describe('accessibility: grouping axe-core results', () => {
  it('keeps one entry per rule, worst impact first, with criteria, help and targets', () => {
    const groups = groupViolations([
      rule('region', 'moderate', 2, ['best-practice']),
      rule('color-contrast', 'serious', 3, ['wcag2aa', 'wcag143']),
      rule('image-alt', 'critical', 1, ['wcag2a', 'wcag111']),
      rule('odd', null, 1),
    ]);
    expect(groups.map((g) => [g.id, g.impact])).toEqual([
      ['image-alt', 'critical'],
      ['color-contrast', 'serious'],
      ['region', 'moderate'],
      ['odd', 'minor'],
    ]);
    expect(groups[1]).toMatchObject({
      wcag: ['1.4.3'],
      help: 'color-contrast help',
      helpUrl: 'https://dequeuniversity.com/rules/axe/4.11/color-contrast',
      nodeCount: 3,
      nodesOmitted: 0,
    });
    expect(groups[1]!.nodes[2]).toEqual({
      target: '#color-contrast-2',
      html: '<p id="color-contrast-2"></p>',
    });
  });

  it('bounds the nodes of a rule and the length of a snippet, and says how many were left out', () => {
    const many = rule('link-name', 'serious', 45);
    many.nodes[0]!.html = `<a href="/x">${'x'.repeat(1000)}</a>`;
    const [g] = groupViolations([many]);
    expect(g!.nodes).toHaveLength(MAX_NODES_PER_RULE);
    expect(g!.nodeCount).toBe(45);
    expect(g!.nodesOmitted).toBe(45 - MAX_NODES_PER_RULE);
    expect(g!.nodes[0]!.html.length).toBe(MAX_SNIPPET_CHARS);
    expect(g!.nodes[0]!.html.endsWith('…')).toBe(true);
  });

  it('joins the selectors of an element inside a frame or a shadow root', () => {
    const r = rule('label', 'critical', 1);
    r.nodes[0]!.target = ['iframe#pay', ['my-form', 'input#card']];
    expect(groupViolations([r])[0]!.nodes[0]!.target).toBe('iframe#pay >>> my-form >>> input#card');
  });

  it('counts rules by impact and elements over every rule', () => {
    const groups = groupViolations([rule('a', 'critical', 2), rule('b', 'minor', 3), rule('c', 'minor', 1)]);
    expect(violationCounts(groups)).toEqual({ critical: 1, serious: 0, moderate: 0, minor: 2, nodes: 6 });
  });

  it('lists needs-review rules briefly', () => {
    const [r] = needsReview([rule('color-contrast', 'serious', 9)]);
    expect(r).toMatchObject({ id: 'color-contrast', nodeCount: 9 });
    expect(r!.targets).toHaveLength(5);
  });
});

describe('accessibility: score and verdict', () => {
  const v = (...impacts: Array<'critical' | 'serious' | 'moderate' | 'minor'>) =>
    impacts.map((impact) => ({ impact }));

  it('takes 20, 10, 4 and 1 points per violated rule by impact', () => {
    expect(accessibilityScore([])).toBe(100);
    expect(accessibilityScore(v('critical'))).toBe(80);
    expect(accessibilityScore(v('serious', 'moderate', 'minor'))).toBe(85);
    expect(accessibilityScore(v('critical', 'critical', 'serious', 'moderate', 'moderate', 'minor'))).toBe(
      41,
    );
  });

  it('floors the score at 0', () => {
    expect(accessibilityScore(v('critical', 'critical', 'critical', 'critical', 'critical', 'serious'))).toBe(
      0,
    );
  });

  it('passes without critical or serious violations, whatever the moderate and minor ones', () => {
    expect(accessibilityPassed(v('moderate', 'minor', 'minor'))).toBe(true);
    expect(accessibilityPassed(v('minor', 'serious'))).toBe(false);
    expect(accessibilityPassed(v('critical'))).toBe(false);
  });
});
