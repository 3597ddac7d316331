/**
 * The lighthouse engine's result metrics (alert rules are validated against them; docs/ENGINES.md lists
 * them). Figures come from the median run; category scores only for the categories the test selected,
 * page metrics only when `performance` is one of them.
 */
export const LIGHTHOUSE_METRICS: Record<string, string> = {
  score: 'Performance score when performance is audited, else the mean of the category scores, 0-100',
  performance_score: 'Lighthouse performance category score, 0-100',
  accessibility_score: 'Lighthouse accessibility category score, 0-100',
  best_practices_score: 'Lighthouse best-practices category score, 0-100',
  seo_score: 'Lighthouse SEO category score, 0-100',
  lcp_ms: 'Largest Contentful Paint from navigation start, ms',
  fcp_ms: 'First Contentful Paint from navigation start, ms',
  cls: 'Cumulative Layout Shift, unitless (largest session window of shifts; good at most 0.1)',
  tbt_ms: 'Total Blocking Time: main-thread time beyond 50 ms per task between FCP and TTI, ms',
  speed_index_ms: 'Speed Index: how quickly the visible content fills in, ms',
  tti_ms: 'Time to Interactive, ms',
  ttfb_ms: 'Server response time of the main document (Lighthouse server-response-time), ms',
  total_byte_weight_bytes: 'Bytes transferred by every request of the page, bytes',
  request_count: 'Network requests of the page (count)',
  dom_size: 'Elements in the DOM (count)',
  runs: 'Lighthouse runs measured (count)',
  performance_score_spread: 'Highest minus lowest performance score over the runs, 0-100',
  blocked_requests: 'Requests of the page the SSRF guard refused, over every run (count)',
  browser_peak_memory_bytes: 'Peak resident memory of the Chromium process tree over the runs, bytes',
  run_wall_ms: 'Wall time of one Lighthouse run including the Chromium start, ms (mean over runs)',
};
