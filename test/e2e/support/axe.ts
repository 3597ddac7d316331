import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * axe-core's serious and critical violations (WCAG 2.1 A and AA, and best practices) on the page as it is
 * now, each as "rule (impact): help at selectors"; `context` narrows it to a selector such as 'main'.
 * Injected with evaluate, which the page's CSP does not govern.
 */
export async function seriousViolations(page: Page, context = 'document'): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const target = context === 'document' ? 'document' : JSON.stringify(context);
  const violations = (await page.evaluate(
    `axe.run(${target}, { runOnly: { type: 'tag', values: ${JSON.stringify(RULES)} } }).then((r) => r.violations)`,
  )) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
