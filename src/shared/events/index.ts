export type {
  AlertPayload,
  EventBus,
  EventMap,
  EventName,
  TestEventName,
  EventHandler,
  TestEventBase,
  NotificationPayload,
  SubscribeOptions,
  PlatformSample,
  PlatformStatusChange,
  HealthStatus,
} from './events.ts';
export { createLocalEventBus } from './local-event-bus.ts';
export { createRedisEventBus } from './redis-event-bus.ts';
