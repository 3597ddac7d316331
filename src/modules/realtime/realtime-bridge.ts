import type { EventBus, EventMap, EventName } from '../../shared/events/index.ts';
import { parseChannel } from './channel-policy.ts';
import type { MessageBroker } from './message-broker.ts';
import type { TestOwnerLookup } from './test-owner.registry.ts';

/** Test events and their realtime names (SPEC section 6). */
const TEST_EVENTS = {
  TestQueued: 'test.queued',
  TestStarted: 'test.started',
  TestProgress: 'test.progress',
  TestCompleted: 'test.completed',
  TestFailed: 'test.failed',
  TestCancelled: 'test.cancelled',
} as const satisfies Partial<Record<EventName, string>>;

type TestEventName = keyof typeof TEST_EVENTS;

export interface BridgeDeps {
  events: EventBus;
  broker: MessageBroker;
  owners: TestOwnerLookup;
  /** Whether tests of a type stream live (the engine registry's `streamsLive`). */
  streamsLive: (type: string) => boolean;
}

/**
 * Forwards test events to `test-updates` (the owner's stream) and, for types that stream live (the stress
 * engine), to `stress-test-{testId}` too (owner and admins; TestProgress carries the per-second metrics there).
 *
 * Subscribed `localOnly`: in services mode every process hears every bus event, but each message must get
 * exactly one id, so the process that published the event (an API process or a worker) publishes it to the
 * broker, and the broker fans it out to every API process. All broker calls are issued before the first
 * await so that messages of one test keep the order of its events.
 */
export function bridgeTestEvents({ events, broker, owners, streamsLive }: BridgeDeps): () => void {
  const unsubscribers = (Object.keys(TEST_EVENTS) as TestEventName[]).map((name) =>
    events.subscribe(
      name,
      async (payload: EventMap[TestEventName]) => {
        const { userId, ...data } = payload;
        const event = TEST_EVENTS[name];
        const pending: Promise<unknown>[] = [broker.publish('test-updates', event, data, { userId })];
        const stressChannel = `stress-test-${payload.testId}`;
        if (streamsLive(payload.type) && parseChannel(stressChannel))
          pending.push(broker.publish(stressChannel, event, data));
        if (name === 'TestQueued' || name === 'TestStarted')
          pending.push(owners.remember(payload.testId, userId));
        await Promise.all(pending);
      },
      { localOnly: true },
    ),
  );
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}

/**
 * Forwards the notification centre's events to the owner's `user-notifications` stream: `notification`
 * (the notification as the API lists it) and `notification.unread-count` (`{ count }`). Subscribed
 * `localOnly` for the same reason as the test events: the process that changed the notification publishes
 * it once, and the broker fans it out to every API process (and keeps it for resume).
 */
export function bridgeNotificationEvents({
  events,
  broker,
}: Pick<BridgeDeps, 'events' | 'broker'>): () => void {
  const unsubscribers = [
    events.subscribe(
      'NotificationCreated',
      async ({ userId, notification }) => {
        await broker.publish('user-notifications', 'notification', notification, { userId });
      },
      { localOnly: true },
    ),
    events.subscribe(
      'NotificationUnreadCount',
      async ({ userId, count }) => {
        await broker.publish('user-notifications', 'notification.unread-count', { count }, { userId });
      },
      { localOnly: true },
    ),
  ];
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}

/**
 * Forwards alert notices: `alert.triggered` / `alert.resolved` (the AlertPayload) on the owner's
 * `user-notifications`, and for platform rules on `system-alerts` too (admins). Subscribed `localOnly`:
 * the process whose dispatcher delivered the in-app notice publishes the event, once.
 */
export function bridgeAlertEvents({ events, broker }: Pick<BridgeDeps, 'events' | 'broker'>): () => void {
  const names = { AlertTriggered: 'alert.triggered', AlertResolved: 'alert.resolved' } as const;
  const unsubscribers = (Object.keys(names) as Array<keyof typeof names>).map((name) =>
    events.subscribe(
      name,
      async ({ userId, platform, alert }: EventMap[typeof name]) => {
        const pending = [broker.publish('user-notifications', names[name], alert, { userId })];
        if (platform) pending.push(broker.publish('system-alerts', names[name], alert));
        await Promise.all(pending);
      },
      { localOnly: true },
    ),
  );
  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
