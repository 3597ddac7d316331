import { randomUUID } from 'node:crypto';
import type { RedisFactory } from '../redis/index.ts';
import type { EventBus, EventHandler, EventMap, EventName } from './events.ts';

interface Logger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

interface Entry {
  handler: EventHandler<EventName>;
  localOnly: boolean;
}

interface Envelope {
  /** The publishing process, so it can skip its own echo (it already delivered locally). */
  o: string;
  n: EventName;
  p: unknown;
}

/**
 * The services-mode driver: every event goes to this process's subscribers directly and to every other
 * process over one Redis pub/sub channel. `localOnly` subscribers see only this process's events.
 * Pub/sub is at-most-once: a process that is disconnected misses events; the database stays the record.
 */
export async function createRedisEventBus(
  redis: RedisFactory,
  log: Logger,
  subscribeTimeoutMs = 5000,
): Promise<EventBus> {
  const origin = randomUUID();
  const channel = `${redis.keyPrefix}events`;
  const handlers = new Map<EventName, Set<Entry>>();
  // Auto-pipelining batches the publishes of one tick into one write: a busy worker publishes a lot.
  const pub = redis.create('events-pub', { enableAutoPipelining: true });
  // A subscriber connection must never give up on a command: it only (re)subscribes.
  const sub = redis.create('events-sub', { maxRetriesPerRequest: null });

  const deliver = (name: EventName, payload: unknown, remote: boolean) => {
    const set = handlers.get(name);
    if (!set) return;
    for (const entry of [...set]) {
      if (remote && entry.localOnly) continue;
      queueMicrotask(() => {
        Promise.resolve()
          .then(() => entry.handler(payload as EventMap[EventName]))
          .catch((err: unknown) => log.error({ err, event: name }, 'event handler failed'));
      });
    }
  };

  sub.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(message) as Envelope;
    } catch {
      return;
    }
    if (envelope.o !== origin) deliver(envelope.n, envelope.p, true);
  });
  // Wait for the subscription so events published right after start-up reach this process; a Redis that
  // is down must not block start-up forever (ioredis subscribes as soon as it reconnects).
  let timer: NodeJS.Timeout | undefined;
  const subscribed = sub.subscribe(channel).then(
    () => true,
    (err: unknown) => (log.warn({ err }, 'event bus could not subscribe'), false),
  );
  const late = new Promise<boolean>(
    (resolve) => (timer = setTimeout(() => resolve(false), subscribeTimeoutMs)),
  );
  if (!(await Promise.race([subscribed, late])))
    log.warn(
      { channel },
      'event bus not subscribed yet; events from other processes may be missed until Redis answers',
    );
  clearTimeout(timer);

  return {
    async publish(name, payload) {
      deliver(name, payload, false);
      await pub
        .publish(channel, JSON.stringify({ o: origin, n: name, p: payload } satisfies Envelope))
        .catch((err: unknown) => log.warn({ err, event: name }, 'event not published to other processes'));
    },
    subscribe(name, handler, options) {
      let set = handlers.get(name);
      if (!set) handlers.set(name, (set = new Set()));
      const entry: Entry = {
        handler: handler as EventHandler<EventName>,
        localOnly: options?.localOnly === true,
      };
      set.add(entry);
      return () => set.delete(entry);
    },
    async close() {
      handlers.clear();
      await Promise.allSettled([sub.quit(), pub.quit()]);
    },
  };
}
