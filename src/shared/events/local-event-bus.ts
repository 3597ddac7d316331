import type { EventBus, EventHandler, EventMap, EventName } from './events.ts';

interface Logger {
  error(obj: object, msg: string): void;
}

/** The embedded driver: an in-process emitter. Handlers run on a later tick, isolated from the publisher. */
export function createLocalEventBus(log: Logger): EventBus {
  const handlers = new Map<EventName, Set<EventHandler<EventName>>>();
  return {
    async publish(name, payload) {
      const set = handlers.get(name);
      if (!set) return;
      for (const handler of [...set]) {
        queueMicrotask(() => {
          Promise.resolve()
            .then(() => handler(payload as EventMap[EventName]))
            .catch((err: unknown) => log.error({ err, event: name }, 'event handler failed'));
        });
      }
    },
    subscribe(name, handler) {
      let set = handlers.get(name);
      if (!set) handlers.set(name, (set = new Set()));
      set.add(handler as EventHandler<EventName>);
      return () => set.delete(handler as EventHandler<EventName>);
    },
    async close() {
      handlers.clear();
    },
  };
}
