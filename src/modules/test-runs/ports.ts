import type { EngineResult } from '../../engines/index.ts';
import type { EngineRunInput } from '../../engines/index.ts';
import type { RemoveResult, TestJob } from '../queue/index.ts';
import type { Viewer } from './test.repository.ts';

export type { EngineRunInput };

/**
 * What this module needs from others, as small structural ports that app.ts wires: the engines (registry
 * and runner), the queue (hand it a test, take one back) and, optionally, a result cache.
 */
export interface EngineRegistryPort {
  types(): string[];
  /** Options with defaults applied; throws a ValidationError naming `/body/type` or `/body/options/…`. */
  validate(type: string, options: unknown): unknown;
}

export interface EngineRunnerPort {
  run(input: EngineRunInput): Promise<EngineResult>;
}

/** The queue as submission, cancel and retry use it: the database row already says what should happen. */
export interface TestQueuePort {
  enqueue(job: TestJob, opts?: { replaceFinished?: boolean }): Promise<void>;
  /** 'active' when a worker holds the test right now. */
  remove(testId: string): Promise<RemoveResult>;
}

/** How a cached read reaches the stored result: the owner's own read, and the owner of a test. */
export interface ResultSource<T> {
  /** The result as its owner reads it; a NotFoundError when there is none (not cached). */
  read(ownerId: string, testId: string): Promise<T>;
  ownerOf(testId: string): Promise<string | null>;
}

/** What the request allows: `fresh` skips the lookup and replaces the entry (`Cache-Control: no-cache`); `store: false` stores nothing (`no-store`). */
export interface ResultReadOptions {
  fresh?: boolean;
  store?: boolean;
}

/**
 * A read-through cache in front of GET /api/tests/:testId/result (the cache module supplies one). It must
 * check ownership on every hit: another user gets the same 404 as for a test that does not exist. It
 * says whether the cache answered (`hit`), which the route reports as `X-Cache`.
 */
export interface ResultCachePort {
  read<T>(
    viewer: Viewer,
    testId: string,
    source: ResultSource<T>,
    options?: ResultReadOptions,
  ): Promise<{ value: T; hit: boolean }>;
}
