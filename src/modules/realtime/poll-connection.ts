import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../../shared/http/index.ts';
import type { RealtimeConnection } from './connection-manager.ts';
import type { Subscription } from './subscription.ts';

/**
 * A held long-poll request as a realtime connection: it collects what a socket would have been sent and
 * lets the request answer on the first message, when the hold expires, or when the server shuts down.
 */
export class PollConnection implements RealtimeConnection {
  readonly id = randomUUID();
  readonly kind = 'poll' as const;
  readonly subscriptions = new Map<string, Subscription>();
  readonly collected: string[] = [];
  closed = false;
  private wake: (() => void) | null = null;

  constructor(readonly user: AuthUser) {}

  send(text: string): void {
    this.collected.push(text);
    // Answer on the next turn, so a burst published together is returned together.
    if (this.wake) setImmediate(this.release);
  }

  /** Resolves after `holdMs`, on the first message, on `release()` or when `signal` aborts. */
  wait(holdMs: number, signal: AbortSignal): Promise<void> {
    if (this.collected.length > 0 || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(this.release, holdMs);
      signal.addEventListener('abort', this.release, { once: true });
      this.wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', this.release);
        resolve();
      };
    });
  }

  release = (): void => {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  };
}
