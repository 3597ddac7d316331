import type { MaintenanceRepository } from './maintenance.repository.ts';
import type { TestRunsPort } from './ports.ts';
import type { ScheduleRunsRepository } from './schedule-runs.repository.ts';

interface Logger {
  info(obj: object, msg: string): void;
}

export interface ResultRetentionDeps {
  maintenance: MaintenanceRepository;
  runs: ScheduleRunsRepository;
  tests: Pick<TestRunsPort, 'pruneDetails'>;
  log: Logger;
  /** RESULT_RETENTION. */
  retentionMs: number;
  now: () => Date;
  batchSize?: number;
  /** Batches per night: a larger backlog is worked off over the following nights. */
  maxBatches?: number;
}

const JOB = 'result_retention';
/** The nightly run starts at 03:00 UTC, when few people test. */
const RUN_AT_UTC_HOUR = 3;

/** The first 03:00 UTC strictly after `now`. */
export function nextNight(now: Date): Date {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), RUN_AT_UTC_HOUR));
  return at > now ? at : new Date(at.getTime() + 86_400_000);
}

/**
 * Nightly, in batches: results of scheduled runs older than RESULT_RETENTION lose their details (the
 * metrics stay, so history keeps its points), and ticks older than that are deleted. The night's run
 * is claimed in schedule_maintenance, so one process does it however many run schedulers.
 */
export function createResultRetention(deps: ResultRetentionDeps) {
  const batchSize = deps.batchSize ?? 500;
  const maxBatches = deps.maxBatches ?? 200;

  async function run(cursor: { at: string; id: string } | null): Promise<{ pruned: number; ticks: number }> {
    const cutoff = new Date(deps.now().getTime() - deps.retentionMs);
    let pruned = 0;
    let position = cursor;
    for (let i = 0; i < maxBatches; i++) {
      const batch = await deps.tests.pruneDetails(position, cutoff, batchSize);
      pruned += batch.pruned;
      if (batch.last && batch.last !== position) await deps.maintenance.saveCursor(JOB, batch.last);
      position = batch.last;
      if (batch.examined < batchSize) break;
    }
    let ticks = 0;
    for (let i = 0; i < maxBatches; i++) {
      const deleted = await deps.runs.deleteOlderThan(cutoff, batchSize);
      ticks += deleted;
      if (deleted < batchSize) break;
    }
    if (pruned || ticks) deps.log.info({ pruned, ticks }, 'old scheduled results pruned');
    return { pruned, ticks };
  }

  return {
    /** Runs tonight's retention if it is due and this process claims it; null when it did not run. */
    async maybeRun(): Promise<{ pruned: number; ticks: number } | null> {
      const now = deps.now();
      const claim = await deps.maintenance.claim(JOB, now, nextNight(now));
      return claim ? run(claim.cursor) : null;
    },
  };
}

export type ResultRetention = ReturnType<typeof createResultRetention>;
