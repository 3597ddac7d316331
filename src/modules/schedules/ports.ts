import type { ScheduledTests } from '../test-runs/index.ts';

export type { LatestRun, TestDefinition, ValidTestDefinition } from '../test-runs/index.ts';

/**
 * What schedules need from the tests' lifecycle (the test-runs module's `scheduled` port, wired in
 * app.ts): the checks and submission of POST /api/tests, whether earlier runs are still queued or
 * running, a metric's series, run counts and the last runs, and the retention of old details. Schedules
 * never run SQL on test_queue or test_results.
 */
export type TestRunsPort = Pick<
  ScheduledTests,
  'validate' | 'submit' | 'activeAmong' | 'series' | 'latest' | 'counts' | 'lastFailure' | 'pruneDetails'
>;
