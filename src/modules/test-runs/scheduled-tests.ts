import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import { createScheduledTestsRepository } from './scheduled-tests.repository.ts';
import type { TestsService } from './tests.service.ts';

export type { LatestRun, ResultCursor, SeriesBucket, WindowCounts } from './scheduled-tests.repository.ts';

/**
 * What the schedules module gets from this one: the same validation and submission as POST /api/tests
 * (type, target, engine options; queue, daily quota, active-tests limit), whether earlier runs are still
 * queued or running, a metric's series and the run counts over a schedule's tests, and the retention of
 * their details. The SQL stays here; schedules sees only these calls.
 */
export function createScheduledTests(db: Kysely<DB>, service: Pick<TestsService, 'validate' | 'submit'>) {
  const repo = createScheduledTestsRepository(db);
  return {
    validate: service.validate,
    submit: service.submit,
    activeAmong: repo.activeAmong,
    series: repo.series,
    latest: repo.latest,
    counts: repo.counts,
    lastFailure: repo.lastFailure,
    pruneDetails: repo.pruneDetails,
  };
}

export type ScheduledTests = ReturnType<typeof createScheduledTests>;
