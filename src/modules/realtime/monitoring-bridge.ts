import type { EventBus } from '../../shared/events/index.ts';
import type { MessageBroker } from './message-broker.ts';

/**
 * Forwards a change of the overall platform status to `system-alerts` (admins) as `monitoring.status`.
 * Subscribed `localOnly`: the one process whose compare-and-set recorded the change publishes the event,
 * and the broker fans the message out to every API process, so each change becomes one message.
 */
export function bridgeMonitoringStatus({
  events,
  broker,
}: {
  events: EventBus;
  broker: MessageBroker;
}): () => void {
  return events.subscribe(
    'PlatformStatusChanged',
    async (change) => void (await broker.publish('system-alerts', 'monitoring.status', change)),
    { localOnly: true },
  );
}
