import type { Subscription } from './subscription.ts';

/** This process's subscriptions by stream; the fan-out listener dispatches every message through it. */
export class ChannelManager {
  private readonly streams = new Map<string, Set<Subscription>>();

  add(subscription: Subscription): void {
    let set = this.streams.get(subscription.stream);
    if (!set) this.streams.set(subscription.stream, (set = new Set()));
    set.add(subscription);
  }

  remove(subscription: Subscription): void {
    subscription.closed = true;
    const set = this.streams.get(subscription.stream);
    if (!set) return;
    set.delete(subscription);
    // An empty stream entry would be a trace of a closed connection.
    if (set.size === 0) this.streams.delete(subscription.stream);
  }

  dispatch = (stream: string, id: number, text: string): void => {
    const set = this.streams.get(stream);
    if (!set) return;
    // Encode once for a broadcast instead of once per socket.
    const frame = set.size > 1 ? Buffer.from(text) : undefined;
    for (const subscription of set) subscription.offer(id, text, frame);
  };

  get streamCount(): number {
    return this.streams.size;
  }

  get subscriptionCount(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }
}
