import type { EngineResult } from '../../engines/index.ts';
import type { TestRunRepository } from './test-run.repository.ts';
import { createWriteBatcher } from './write-batcher.ts';

/**
 * The run lifecycle's two writes every test makes — its start and its completion — coalesced across the
 * attempts of one worker process: a worker running many short tests at once sends one statement per
 * batch instead of one per test. Fencing is unchanged (each item keeps its own run id), and a batch that
 * fails is retried item by item. A completion inside a caller's transaction (artifacts) is not batched.
 */
export function batchRunWrites(runs: TestRunRepository, workerId: string): TestRunRepository {
  const starts = new Map<
    number,
    (item: { testId: string; takeOver: boolean }) => ReturnType<TestRunRepository['start']>
  >();
  const startFor = (leaseMs: number) => {
    let start = starts.get(leaseMs);
    if (!start) {
      start = createWriteBatcher({
        batch: (items) => runs.startMany(items, workerId, leaseMs),
        single: (i) => runs.start(i.testId, workerId, leaseMs, i.takeOver),
      });
      starts.set(leaseMs, start);
    }
    return start;
  };
  const complete = createWriteBatcher({
    batch: (items: Array<{ testId: string; runId: string; result: EngineResult }>) =>
      runs.completeMany(items),
    single: (i) => runs.complete(i.testId, i.runId, i.result),
  });
  return {
    ...runs,
    start: (testId, worker, leaseMs, takeOver) =>
      worker === workerId
        ? startFor(leaseMs)({ testId, takeOver })
        : runs.start(testId, worker, leaseMs, takeOver),
    complete: (testId, runId, result, trx) =>
      trx ? runs.complete(testId, runId, result, trx) : complete({ testId, runId, result }),
  };
}
