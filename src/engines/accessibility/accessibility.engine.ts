import { browserOf, type BrowserAvailability, type BrowserSession } from '../browser/index.ts';
import type {
  EngineArtifact,
  EngineContext,
  EngineEnvironment,
  EngineResult,
  TestEngine,
} from '../engine.ts';
import { blockedFinding, violationFinding } from './accessibility-findings.ts';
import { accessibilityPassed, accessibilityScore, IMPACT_WEIGHTS } from './accessibility-score.ts';
import { ACCESSIBILITY_METRICS } from './accessibility.metrics.ts';
import { AccessibilityOptions } from './accessibility.options.ts';
import type { PageAudit } from './audit-page.ts';
import { groupViolations, needsReview, violationCounts, type Violation } from './axe-results.ts';
import { STANDARD_TAGS } from './standards.ts';

type Ctx = EngineContext<AccessibilityOptions>;

function availability(env: EngineEnvironment): BrowserAvailability {
  try {
    return browserOf(env).availability();
  } catch {
    return { available: false, reason: 'This TestWeb was started without a browser pool.' };
  }
}

function metricsOf(audit: PageAudit, violations: Violation[], session: BrowserSession, score: number) {
  const counts = violationCounts(violations);
  const metrics: Record<string, number> = {
    score,
    violations_total: violations.length,
    violations_critical: counts.critical,
    violations_serious: counts.serious,
    violations_moderate: counts.moderate,
    violations_minor: counts.minor,
    violation_nodes: counts.nodes,
    passes: audit.axe.passes.length,
    incomplete: audit.axe.incomplete.length,
    blocked_requests: session.blocked().length,
  };
  const peak = session.peakMemoryBytes();
  if (peak !== null) metrics.browser_peak_memory_bytes = peak;
  return metrics;
}

function summaryOf(violations: Violation[], score: number): string {
  if (violations.length === 0) return `No accessibility violations found; score ${score}/100`;
  const c = violationCounts(violations);
  const parts = (['critical', 'serious', 'moderate', 'minor'] as const)
    .filter((i) => c[i] > 0)
    .map((i) => `${c[i]} ${i}`);
  return `${violations.length} rule(s) violated (${parts.join(', ')}) on ${c.nodes} element(s); score ${score}/100`;
}

function resultOf(ctx: Ctx, audit: PageAudit, session: BrowserSession): EngineResult {
  const violations = groupViolations(audit.axe.violations);
  const score = accessibilityScore(violations);
  const blocked = session.blocked();
  const artifacts: EngineArtifact[] = audit.screenshot
    ? [{ name: 'screenshot.png', contentType: 'image/png', data: audit.screenshot, label: 'Screenshot' }]
    : [];
  return {
    score,
    passed: accessibilityPassed(violations),
    summary: summaryOf(violations, score),
    metrics: metricsOf(audit, violations, session, score),
    findings: [...violations.map(violationFinding), ...blocked.map(blockedFinding)],
    details: {
      finalUrl: audit.finalUrl,
      status: audit.status,
      title: audit.title,
      standard: ctx.options.standard,
      tags: STANDARD_TAGS[ctx.options.standard],
      include: ctx.options.include,
      exclude: ctx.options.exclude,
      viewport: ctx.options.viewport,
      networkIdle: audit.networkIdle,
      timings: audit.timings,
      violations,
      incomplete: needsReview(audit.axe.incomplete),
      passes: audit.axe.passes.map((r) => r.id),
      inapplicable: audit.axe.inapplicable.length,
      blocked,
      scoreWeights: IMPACT_WEIGHTS,
      ...(audit.screenshotNote ? { screenshotNote: audit.screenshotNote } : {}),
    },
    artifacts,
  };
}

async function run(ctx: Ctx): Promise<EngineResult> {
  const pool = browserOf(ctx);
  // playwright-core and axe load on the first audit, not at server start: ~90 MB resident (bench/footprint).
  const { auditPage } = await import('./audit-page.ts');
  try {
    const result = await pool.withSession(ctx.signal, async (session) =>
      resultOf(ctx, await auditPage(ctx, session), session),
    );
    ctx.progress(100, 'Done');
    return result;
  } catch (err) {
    // A cancel kills Chromium under the audit; what surfaces must be the cancel, not "Target closed".
    ctx.signal.throwIfAborted();
    throw err;
  }
}

/** WCAG checks with axe-core in the pool's Chromium, after the page's scripts ran and the network went idle. */
export const accessibilityEngine: TestEngine<typeof AccessibilityOptions> = {
  name: 'accessibility',
  description: 'WCAG 2.x checks with axe-core in Chromium: violations by rule and impact, with the elements',
  options: AccessibilityOptions,
  metrics: ACCESSIBILITY_METRICS,
  availability,
  run,
};
