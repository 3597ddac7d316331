import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { EngineArtifact, EngineResult } from '../../engines/index.ts';
import { prepareArtifacts, type DroppedArtifact } from './artifact-prep.ts';
import type { ArtifactRepository } from './artifact.repository.ts';
import type { TestRunRepository } from './test-run.repository.ts';

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** The run's fenced completion, with the files its engine produced. */
export interface ArtifactStore {
  /**
   * Stores the result and marks the test completed (fenced by `runId`), and stores `files` in the same
   * transaction: both or neither, so a stale attempt stores nothing and a completed test's files are
   * listed the moment its result is. Returns false for a stale attempt.
   */
  complete(
    attempt: { testId: string; runId: string; userId: string },
    result: EngineResult,
    files: readonly EngineArtifact[] | undefined,
  ): Promise<boolean>;
}

/** The result with `details.artifactsDropped` when the store refused some files. */
function noteDropped(result: EngineResult, dropped: DroppedArtifact[]): EngineResult {
  if (!dropped.length) return result;
  return { ...result, details: { ...result.details, artifactsDropped: dropped } };
}

export function createArtifactStore(deps: {
  db: Kysely<DB>;
  runs: Pick<TestRunRepository, 'complete'>;
  artifacts: ArtifactRepository;
  maxTestBytes: number;
  maxTotalBytes: number;
  log: Logger;
}): ArtifactStore {
  /** The ring buffer: after the commit, so one slow eviction never holds a completion's transaction. */
  async function evict(testId: string): Promise<void> {
    try {
      const evicted = await deps.artifacts.evict(deps.maxTotalBytes, testId);
      if (evicted.length)
        deps.log.info(
          { testId, evicted: evicted.length, maxTotalBytes: deps.maxTotalBytes },
          "artifacts store full: deleted the oldest tests' artifacts",
        );
    } catch (err) {
      deps.log.warn({ err, testId }, 'artifact eviction failed; the next completion tries again');
    }
  }

  return {
    async complete({ testId, runId, userId }, measured, files) {
      const { kept, dropped } = await prepareArtifacts(files, deps.maxTestBytes);
      const result = noteDropped(measured, dropped);
      if (!kept.length) return deps.runs.complete(testId, runId, result);
      const completed = await deps.db.transaction().execute(async (trx) => {
        if (!(await deps.runs.complete(testId, runId, result, trx))) return false;
        await deps.artifacts.replace(trx, testId, userId, kept);
        return true;
      });
      if (completed) await evict(testId);
      return completed;
    },
  };
}
