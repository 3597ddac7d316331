import type { EventBus, EventName } from '../../shared/events/index.ts';
import { cacheKeys, cacheTags } from './cache-keys.ts';
import type { CacheService } from './cache.service.ts';

/**
 * Every event that changes what a test's cached views show. A result written (completed/failed), a retry
 * or re-run (queued), a cancel: each drops `test:result:{testId}` and whatever is tagged with the test.
 */
const TEST_CHANGES: EventName[] = ['TestQueued', 'TestCompleted', 'TestFailed', 'TestCancelled'];

/**
 * Invalidation is driven by events, not by calls scattered through the code. Every process subscribes
 * (not localOnly): with the Redis event bus each one drops the entry itself, so a lost cache-bus
 * message cannot leave one process stale; the repeated deletes are idempotent.
 */
export function subscribeCacheInvalidation(events: EventBus, cache: CacheService): () => void {
  const onTestChanged = async ({ testId }: { testId: string }) => {
    await cache.del(cacheKeys.testResult(testId));
    await cache.invalidateTags([cacheTags.test(testId)]);
  };
  const unsubscribe = TEST_CHANGES.map((name) => events.subscribe(name, onTestChanged));
  return () => unsubscribe.forEach((u) => u());
}
