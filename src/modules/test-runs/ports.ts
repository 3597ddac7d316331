import type { EngineResult } from '../../engines/index.ts';
import type { EngineDescription, EngineRunInput } from '../../engines/index.ts';
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
  /** Every engine as `GET /api/engines` lists it. */
  describe(): EngineDescription[];
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
  /** The response body of a result (the route's serializer): what the cache keeps and sends on a hit. */
  serialize(value: T): string;
}

/** What the request allows: `fresh` skips the lookup and replaces the entry (`Cache-Control: no-cache`); `store: false` stores nothing (`no-store`). */
export interface ResultReadOptions {
  fresh?: boolean;
  store?: boolean;
}

/**
 * A read-through cache in front of GET /api/tests/:testId/result (the cache module supplies one). It must
 * check ownership on every hit: another user gets the same 404 as for a test that does not exist. It
 * says whether the cache answered (`hit`), which the route reports as `X-Cache`, and answers the
 * serialized body (`source.serialize`), which the route sends as it is.
 */
export interface ResultCachePort {
  read<T>(
    viewer: Viewer,
    testId: string,
    source: ResultSource<T>,
    options?: ResultReadOptions,
  ): Promise<{ body: string; hit: boolean }>;
}

/** The test a result belongs to, as the enricher sees it. */
export interface EnrichedTest {
  testId: string;
  userId: string;
  type: string;
  scheduleId: string;
}

/** What an enricher adds to a result before it is stored. */
export interface ResultEnrichment {
  /** Derived metrics, stored and published with the engine's (TestCompleted.metrics). */
  metrics: Record<string, number>;
  /** Merged into the result's details. */
  details: Record<string, unknown>;
  /** Called once the result is stored (not when the attempt lost the test): the enricher may take the run in then. */
  stored(): Promise<void>;
}

/**
 * Derives figures from a scheduled test's result before the run-test handler stores it (the schedules
 * module's baselines). A failing enricher never fails the test: the handler logs it and stores the result
 * as the engine gave it.
 */
export interface ResultEnricherPort {
  enrich(test: EnrichedTest, result: EngineResult): Promise<ResultEnrichment | null>;
}
