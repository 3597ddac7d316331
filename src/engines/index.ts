/**
 * The engines module: the registry of test types, and the runner the queue's job handler calls.
 * Adding an engine means adding it to ENGINES; nothing else in the product names engine types.
 */
import { accessibilityEngine } from './accessibility/accessibility.engine.ts';
import { apiEngine } from './api/api.engine.ts';
import type { TestEngine } from './engine.ts';
import { lighthouseEngine } from './lighthouse/lighthouse.engine.ts';
import { performanceEngine } from './performance/performance.engine.ts';
import { securityEngine } from './security/security.engine.ts';
import { seoEngine } from './seo/seo.engine.ts';
import { stressEngine } from './stress/stress.engine.ts';
import { createWebsiteEngine } from './website/website.engine.ts';
import { websitePart } from './website/website-parts.ts';

/** The one-click audit, built from the part engines that exist (one line each). */
export const websiteEngine = createWebsiteEngine([
  websitePart('performance', lighthouseEngine, performanceEngine),
  websitePart('accessibility', accessibilityEngine),
  websitePart('seo', seoEngine),
  websitePart('security', securityEngine),
]);

export const ENGINES: TestEngine[] = [
  performanceEngine as unknown as TestEngine,
  stressEngine as unknown as TestEngine,
  apiEngine as unknown as TestEngine,
  lighthouseEngine as unknown as TestEngine,
  accessibilityEngine as unknown as TestEngine,
  securityEngine as unknown as TestEngine,
  seoEngine as unknown as TestEngine,
  websiteEngine,
];

export { createEngineRegistry, OptionLimitError, type EngineRegistry } from './engine-registry.ts';
export {
  createEngineRunner,
  type EngineRunner,
  type EngineRunInput,
  type EngineRunnerOptions,
  type OutboundMetrics,
} from './engine-runner.ts';
export * from './engine.ts';
export { metricUnit, type EngineDescription, type MetricDescription } from './engine-catalog.ts';
