import { createElement, type ComponentType } from 'react';
import { AccessibilityResult } from './AccessibilityResult';
import { ApiResult } from './ApiResult';
import { GenericResult } from './GenericResult';
import { LighthouseResult } from './LighthouseResult';
import { PerformanceResult } from './PerformanceResult';
import { SeoResult } from './SeoResult';
import { SecurityResult } from './SecurityResult';
import { StressResult } from './StressResult';
import type { ResultProps } from './types';
import { websiteResultView } from './WebsiteResult';

// The website audit shows each part in that engine's view: it is handed the lookup (called at render
// time) instead of importing this module, which imports it.
const WebsiteResult = websiteResultView((engine) => resultViewFor(engine));

/**
 * The result view of each engine, by the engine's name. A later engine (Lighthouse, accessibility) adds
 * its own line here; any engine without one gets the generic view.
 */
const views: Record<string, ComponentType<ResultProps>> = {
  accessibility: AccessibilityResult,
  api: ApiResult,
  lighthouse: LighthouseResult,
  performance: PerformanceResult,
  security: SecurityResult,
  seo: SeoResult,
  stress: StressResult,
  website: WebsiteResult,
};

export function resultViewFor(engine: string): ComponentType<ResultProps> {
  return views[engine] ?? GenericResult;
}

/** The result of a test in its engine's view. */
export function ResultView(props: ResultProps) {
  return createElement(resultViewFor(props.test.type), props);
}
