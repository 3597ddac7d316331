import type { EventBus, EventMap } from '../../shared/events/index.ts';
import { messagesFor, type TestOutcome } from './messages.ts';
import type { Delivery, NotificationsService } from './notifications.service.ts';

type Deliver = NotificationsService['deliver'];

/**
 * A finished run's notification: a completed test whose checks failed is a failure to its owner too.
 * A schedule's runs would flood the inbox (a 1-minute schedule on a site that is down: 1,440 e-mails a
 * day), so a scheduled run that passed notifies nobody, and a failing schedule notifies once per UTC day
 * (alert rules are the tool for watching a schedule closely). Null: no notification.
 */
function testDelivery(
  e: EventMap['TestCompleted'] | EventMap['TestFailed'],
  outcome: TestOutcome,
  kind: 'completed' | 'checksFailed' | 'errored',
): Delivery | null {
  if (e.scheduleId && kind === 'completed') return null;
  return {
    userId: e.userId,
    type: kind === 'completed' ? 'test_completed' : 'test_failed',
    // One per run: a manual retry's outcome notifies again, a duplicated event does not.
    dedupeKey: e.scheduleId
      ? `schedule:${e.scheduleId}:failed:${new Date().toISOString().slice(0, 10)}`
      : `test:${e.testId}:${e.runId ?? 'run'}`,
    text: (locale) => messagesFor(locale)[kind](outcome),
    actionUrl: `/tests/${e.testId}`,
    data: { testId: e.testId, ...outcome },
  };
}

/**
 * The notification sources: test outcomes and quota warnings arrive as events (the test-runs module
 * does not know this module). Subscribed `localOnly`: in services mode every process hears every event,
 * and the process that published one handles it, once.
 */
export function subscribeSources(events: EventBus, deliver: Deliver): () => void {
  const unsubscribers = [
    events.subscribe(
      'TestCompleted',
      async (e) => {
        const outcome = { type: e.type, url: e.url, score: e.score, passed: e.passed, error: null };
        const delivery = testDelivery(e, outcome, e.passed === false ? 'checksFailed' : 'completed');
        if (delivery) await deliver(delivery);
      },
      { localOnly: true },
    ),
    events.subscribe(
      'TestFailed',
      async (e) => {
        // A failure that will be retried is not an outcome yet.
        if (e.willRetry) return;
        const outcome = { type: e.type, url: e.url, score: null, passed: false, error: e.error };
        const delivery = testDelivery(e, outcome, 'errored');
        if (delivery) await deliver(delivery);
      },
      { localOnly: true },
    ),
    events.subscribe(
      'QuotaWarning',
      async (e) => {
        await deliver({
          userId: e.userId,
          type: 'quota_warning',
          dedupeKey: `quota:${e.resetsAt.slice(0, 10)}`,
          text: (locale) => messagesFor(locale).quota(e.used, e.quota, e.resetsAt),
          actionUrl: '/tests',
          data: { used: e.used, quota: e.quota, resetsAt: e.resetsAt },
        });
      },
      { localOnly: true },
    ),
  ];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
