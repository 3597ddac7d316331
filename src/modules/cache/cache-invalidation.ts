import type { EventBus, EventMap, TestEventName } from '../../shared/events/index.ts';
import { cacheKeys, cacheTags } from './cache-keys.ts';
import type { CacheService } from './cache.service.ts';

/**
 * Events that change a test's stored result: a result written (completed/failed), a retry or re-run
 * (queued), a cancel. Each drops `test:result:{testId}`.
 */
const RESULT_CHANGES: TestEventName[] = ['TestQueued', 'TestCompleted', 'TestFailed', 'TestCancelled'];

/**
 * Events that change what a test list shows (status, timestamps, attempts, error): those above plus
 * TestStarted. Each drops the owner's and the admins' list views and whatever is tagged with the test.
 */
const LIST_CHANGES: TestEventName[] = [...RESULT_CHANGES, 'TestStarted'];

/**
 * TestProgress changes a list's `progress` and `message`, but the database takes progress at most once
 * a second (progress-reporter.ts) while events come up to ten times a second. So progress drops a list
 * tag at most once per this interval, and once more an interval after the last progress event (the
 * database write lands just after the event it goes with): a list's progress lags by at most ~1 s.
 */
export const PROGRESS_INVALIDATION_INTERVAL_MS = 1000;

type TestEvent = EventMap['TestQueued' | 'TestStarted' | 'TestCompleted' | 'TestFailed' | 'TestCancelled'];

/**
 * Drops a tag now, then at most once per `intervalMs` while it keeps being touched, and a last time one
 * interval after the last touch. Holds one timer per tag touched in the last interval.
 */
function createTagThrottle(cache: CacheService, intervalMs: number) {
  const windows = new Map<string, { timer: NodeJS.Timeout; touched: boolean }>();
  const open = (tag: string) => {
    const window = {
      touched: false,
      timer: setTimeout(() => {
        windows.delete(tag);
        void cache.invalidateTags([tag]);
        if (window.touched) open(tag);
      }, intervalMs).unref(),
    };
    windows.set(tag, window);
  };
  return {
    touch(tag: string): void {
      const window = windows.get(tag);
      if (window) {
        window.touched = true;
        return;
      }
      void cache.invalidateTags([tag]);
      open(tag);
    },
    close(): void {
      for (const w of windows.values()) clearTimeout(w.timer);
      windows.clear();
    },
  };
}

/**
 * Invalidation is driven by events, not by calls scattered through the code. Every process subscribes
 * (not localOnly): with the Redis event bus each one drops the entry itself, so a lost cache-bus
 * message cannot leave one process stale; the repeated deletes are idempotent.
 *
 * The handler starts every drop at once, without awaiting one before the next: each writes this
 * process's L1 (and its invalidation log) synchronously, before its first Redis round trip, so a request
 * arriving right after the one that published the event (POST /api/tests) already misses.
 */
export function subscribeCacheInvalidation(
  events: EventBus,
  cache: CacheService,
  progressIntervalMs = PROGRESS_INVALIDATION_INTERVAL_MS,
): () => void {
  const progress = createTagThrottle(cache, progressIntervalMs);
  const onChange =
    (name: TestEventName) =>
    async ({ testId, userId }: TestEvent) => {
      const drops = [cache.invalidateTags([...cacheTags.testListsOf(userId), cacheTags.test(testId)])];
      if (RESULT_CHANGES.includes(name)) drops.push(cache.del(cacheKeys.testResult(testId)));
      await Promise.all(drops);
    };
  const unsubscribe = LIST_CHANGES.map((name) => events.subscribe(name, onChange(name)));
  unsubscribe.push(
    events.subscribe('TestProgress', ({ userId }) =>
      cacheTags.testListsOf(userId).forEach((tag) => progress.touch(tag)),
    ),
  );
  return () => {
    unsubscribe.forEach((u) => u());
    progress.close();
  };
}
