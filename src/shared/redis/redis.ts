import type { Redis, RedisOptions } from 'ioredis';
import { ClosableRedis } from './closable-redis.ts';

/**
 * The one Redis connection factory (queue, cache, rate limits, pub/sub). Each caller gets its own
 * connection and closes it in onClose; `quit()` and `disconnect()` finish even while Redis is down
 * (see ClosableRedis). `purpose` names the connection in `CLIENT LIST` and in the logs.
 */
export interface RedisFactory {
  /** A general connection: commands fail fast while Redis is down instead of queueing forever. */
  create(purpose: string, overrides?: RedisOptions): Redis;
  /** Options BullMQ requires (maxRetriesPerRequest: null, so blocking workers survive reconnects). */
  bullmq(purpose: string): Redis;
  readonly url: string;
  readonly keyPrefix: string;
}

/**
 * Told about every connection's commands and reconnects (the monitoring module's metrics implement it);
 * `connection` is the purpose the connection was created for, a small fixed set of names.
 */
export interface RedisObserver {
  command(connection: string, seconds: number, failed: boolean): void;
  reconnecting(connection: string): void;
}

export interface RedisLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * Every connection gets an error listener here, so none can crash the process with an unhandled 'error'
 * event. ioredis emits one error per reconnect attempt; this logs once when a connection goes down and
 * once when it is back, naming its purpose.
 */
function watch(
  client: ClosableRedis,
  purpose: string,
  log: RedisLogger | undefined,
  observer: RedisObserver | undefined,
): void {
  let down = false;
  if (observer) {
    client.onCommand = (seconds, failed) => observer.command(purpose, seconds, failed);
    client.on('reconnecting', () => observer.reconnecting(purpose));
  }
  client.on('error', (err: Error & { code?: string }) => {
    if (down) return;
    down = true;
    log?.warn(
      { redis: purpose, err: { message: err.message, code: err.code } },
      'redis connection unavailable; retrying',
    );
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    log?.info({ redis: purpose }, 'redis connection restored');
  });
  client.onDuplicate = (copy) => watch(copy, `${purpose} (duplicate)`, log, observer);
}

export function createRedisFactory(
  url: string,
  keyPrefix = 'testweb:',
  log?: RedisLogger,
  observer?: RedisObserver,
): RedisFactory {
  const base = (purpose: string): RedisOptions => ({
    connectionName: `testweb:${purpose}`,
    lazyConnect: false,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  const connect = (purpose: string, options: RedisOptions) => {
    const client = new ClosableRedis(url, options);
    watch(client, purpose, log, observer);
    return client;
  };
  return {
    url,
    keyPrefix,
    create: (purpose, overrides) => connect(purpose, { ...base(purpose), ...overrides }),
    bullmq: (purpose) =>
      connect(purpose, { ...base(purpose), maxRetriesPerRequest: null, enableReadyCheck: false }),
  };
}
