/** The accessibility engine's result metrics (alert rules are validated against them; docs/ENGINES.md lists them). */
export const ACCESSIBILITY_METRICS: Record<string, string> = {
  score: 'Accessibility score, 0-100 (violated rules weighted by impact)',
  violations_total: 'Rules violated (count)',
  violations_critical: 'Rules violated with critical impact (count)',
  violations_serious: 'Rules violated with serious impact (count)',
  violations_moderate: 'Rules violated with moderate impact (count)',
  violations_minor: 'Rules violated with minor impact (count)',
  violation_nodes: 'Elements affected by a violation, over every rule (count)',
  passes: 'Rules that passed (count)',
  incomplete: 'Rules axe-core could not decide, to review by hand (count)',
  blocked_requests: 'Requests of the page the SSRF guard refused (count)',
  browser_peak_memory_bytes: 'Peak resident memory of the Chromium process tree, bytes',
};
