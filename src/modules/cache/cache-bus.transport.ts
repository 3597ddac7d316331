import type { Redis } from 'ioredis';

/** The transport contract of bentocache's bus (@boringnode/bus), restated so we depend on its shape only. */
export interface BusTransport {
  setId(id: string): BusTransport;
  onReconnect(callback: () => void): void;
  publish(channel: string, message: unknown): Promise<void>;
  subscribe(channel: string, handler: (message: never) => void): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  disconnect(): Promise<void>;
}

export interface CacheBusOptions {
  publisher: Redis;
  subscriber: Redis;
  /** REDIS_KEY_PREFIX, so installations sharing one Redis never hear each other's invalidations. */
  channelPrefix: string;
  onError(err: unknown): void;
  /** Called when the subscriber comes back after losing its connection: messages may have been missed. */
  onResubscribed(): void;
}

/**
 * Redis pub/sub carrying L1 invalidations between processes. Our own instead of bentocache's so that
 * the connections are ours (error listeners, timeouts, a clean close) and a subscriber that was
 * disconnected can tell the cache to drop its L1, since pub/sub does not replay what it missed.
 */
export function createCacheBusTransport(o: CacheBusOptions): BusTransport {
  let busId = '';
  const handlers = new Map<string, (message: never) => void>();
  const reconnectCallbacks: Array<() => void> = [];
  let wasReady = false;

  const resubscribe = () => {
    if (handlers.size) o.subscriber.subscribe(...handlers.keys()).catch(o.onError);
  };
  o.subscriber.on('ready', () => {
    resubscribe();
    if (wasReady) {
      o.onResubscribed();
      for (const cb of reconnectCallbacks) cb();
    }
    wasReady = true;
  });
  o.subscriber.on('message', (channel: string, raw: string) => {
    const handler = handlers.get(channel);
    if (!handler) return;
    try {
      const decoded = JSON.parse(raw) as { busId: string; payload: never };
      if (decoded.busId !== busId) handler(decoded.payload);
    } catch (err) {
      o.onError(err);
    }
  });

  const transport: BusTransport = {
    setId(id) {
      busId = id;
      return transport;
    },
    onReconnect: (cb) => void reconnectCallbacks.push(cb),
    async publish(channel, payload) {
      await o.publisher.publish(o.channelPrefix + channel, JSON.stringify({ busId, payload }));
    },
    // Never rejects: while Redis is down the subscription is made when the subscriber becomes ready.
    async subscribe(channel, handler) {
      handlers.set(o.channelPrefix + channel, handler);
      if (o.subscriber.status === 'ready') resubscribe();
    },
    async unsubscribe(channel) {
      handlers.delete(o.channelPrefix + channel);
      if (o.subscriber.status === 'ready')
        await o.subscriber.unsubscribe(o.channelPrefix + channel).catch(o.onError);
    },
    async disconnect() {
      o.subscriber.disconnect();
      o.publisher.disconnect();
    },
  };
  return transport;
}
