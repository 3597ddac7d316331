import { performance } from 'node:perf_hooks';
import { Redis, type Callback, type RedisOptions } from 'ioredis';

/** How long QUIT may wait for Redis to answer before the connection is simply dropped. */
export const QUIT_TIMEOUT_MS = 1000;

/**
 * Commands that wait on the server by design (blocking pops, BullMQ's worker fetch) or that only change
 * the connection's mode: timing them would measure idle time, not Redis.
 */
const UNTIMED = new Set([
  'blpop',
  'brpop',
  'brpoplpush',
  'blmove',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'xread',
  'xreadgroup',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'monitor',
  'wait',
]);

type SendCommand = Redis['sendCommand'];

/** The two ioredis internals its own close path uses (`event_handler.ts` closeHandler → close()). */
interface Internals {
  manuallyClosing: boolean;
  setStatus(status: string): void;
  flushQueue(error: Error): void;
}

/**
 * An ioredis client whose close always finishes while Redis is unreachable.
 *
 * ioredis ends a connection when its socket emits 'close'. Between reconnect attempts (status
 * `reconnecting`) there is no socket, so `disconnect()` only cancels the retry timer: the client never
 * reaches `end`, never emits it, and never rejects the commands in its offline queue
 * (redis/ioredis#1830, the fix proposed in #2169). BullMQ's `Worker.close()` disconnects its blocking
 * connection and waits for that `end` event, and `quit()` with queued commands waits for a reconnect —
 * both forever. Here `disconnect()` finishes the close itself, `quit()` on a connection that is not
 * ready just disconnects, and a QUIT Redis does not answer within QUIT_TIMEOUT_MS becomes a disconnect.
 * `duplicate()` (BullMQ's blocking connection) returns the same kind of client.
 */
export class ClosableRedis extends Redis {
  /** Called with every duplicate, so the factory can watch connections BullMQ makes from ours. */
  onDuplicate?: (copy: ClosableRedis) => void;
  /** Called when each command settles, with its round trip (seconds from send to reply) and whether it failed. */
  onCommand?: (seconds: number, failed: boolean) => void;

  override sendCommand(...args: Parameters<SendCommand>): ReturnType<SendCommand> {
    const timed = this.onCommand;
    const [command] = args;
    if (timed && !UNTIMED.has(command.name)) {
      const start = performance.now();
      command.promise.then(
        () => timed((performance.now() - start) / 1000, false),
        () => timed((performance.now() - start) / 1000, true),
      );
    }
    return super.sendCommand(...args);
  }

  override disconnect(reconnect = false): void {
    const wasWaitingToReconnect = this.status === 'reconnecting';
    super.disconnect(reconnect);
    if (reconnect || !wasWaitingToReconnect) return;
    const internals = this as unknown as Internals;
    internals.manuallyClosing = false;
    internals.setStatus('end');
    internals.flushQueue(new Error('Connection is closed.'));
  }

  override quit(callback?: Callback<'OK'>): Promise<'OK'> {
    const done = this.status === 'ready' ? this.boundedQuit() : this.dropped();
    if (callback)
      done.then(
        (ok) => callback(null, ok),
        (err: Error) => callback(err),
      );
    return done;
  }

  override duplicate(override?: Partial<RedisOptions>): ClosableRedis {
    const copy = new ClosableRedis({ ...this.options, ...override });
    copy.onDuplicate = this.onDuplicate;
    this.onDuplicate?.(copy);
    return copy;
  }

  private dropped(): Promise<'OK'> {
    if (this.status !== 'end') this.disconnect();
    return Promise.resolve('OK');
  }

  private async boundedQuit(): Promise<'OK'> {
    const timer = setTimeout(() => this.disconnect(), QUIT_TIMEOUT_MS);
    try {
      return await super.quit();
    } catch (err) {
      // Dropped by the timeout above (or by Redis going away meanwhile): closed all the same.
      if (this.status === 'end') return 'OK';
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
