export type { EventBus, EventMap, EventName, EventHandler, TestEventBase } from './events.ts';
export { createLocalEventBus } from './local-event-bus.ts';
