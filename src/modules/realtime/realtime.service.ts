import { authorize } from './channel-policy.ts';
import type { ChannelManager } from './channel-manager.ts';
import type { ConnectionManager, RealtimeConnection } from './connection-manager.ts';
import type { MessageBroker } from './message-broker.ts';
import type { StreamSnapshot } from './message-store.ts';
import { Subscription } from './subscription.ts';
import type { TestOwnerLookup } from './test-owner.registry.ts';

/** Where a subscription starts: at the current head, or right after a position the client already has. */
export type StartAt = { head: true } | { after: number };

export type OpenResult =
  | { ok: true; lastId: number; replayed: number; gap: boolean }
  | { ok: false; status: 400 | 403 | 404 | 429; code: string; message: string };

export interface RealtimeServiceDeps {
  broker: MessageBroker;
  channels: ChannelManager;
  connections: ConnectionManager;
  owners: TestOwnerLookup;
  maxSubscriptions: number;
}

/**
 * Decides what a resume can deliver. Everything after `after` up to `head` must still be retained
 * (contiguous from after+1), otherwise it is a gap the client fills over REST; an `after` beyond the head
 * comes from an older incarnation of the stream and is a gap too.
 */
function planResume(snapshot: StreamSnapshot, after: number): { gap: boolean } {
  if (after === snapshot.head) return { gap: false };
  const oldest = snapshot.messages[0];
  return { gap: after > snapshot.head || !oldest || oldest.id > after + 1 };
}

/** Subscribing, resuming and unsubscribing, for WebSocket and long-poll connections alike. */
export function createRealtimeService(deps: RealtimeServiceDeps) {
  const { broker, channels, owners } = deps;

  /**
   * Authorizes, subscribes, replays, calls `ready` (which sends the client's acknowledgement), then goes live
   * — so the acknowledgement follows the replayed messages and precedes every live one.
   */
  async function open(connection: RealtimeConnection, channel: string, start: StartAt, ready?: (result: OpenResult & { ok: true }) => void): Promise<OpenResult> {
    const auth = await authorize(connection.user, channel, owners);
    if (!auth.ok) return auth;
    const existing = connection.subscriptions.get(channel);
    if (existing && 'head' in start) {
      const result = { ok: true as const, lastId: existing.lastId, replayed: 0, gap: false };
      ready?.(result);
      return result;
    }
    if (existing) unsubscribe(connection, channel);
    if (connection.subscriptions.size >= deps.maxSubscriptions) {
      return { ok: false, status: 429, code: 'ERR_TOO_MANY_SUBSCRIPTIONS', message: `At most ${deps.maxSubscriptions} channels per connection` };
    }
    await broker.listen(channels.dispatch);
    // The connection may have gone while we awaited; subscribing it now would leave a trace.
    if (connection.closed) return { ok: false, status: 400, code: 'ERR_CLOSED', message: 'Connection closed' };
    const subscription = new Subscription(channel, auth.stream, connection);
    connection.subscriptions.set(channel, subscription);
    channels.add(subscription);
    let snapshot: StreamSnapshot;
    try {
      snapshot = await broker.read(auth.stream);
    } catch (err) {
      unsubscribe(connection, channel);
      throw err;
    }
    const result = sync(subscription, snapshot, start);
    ready?.(result);
    subscription.goLive();
    return result;
  }

  function sync(subscription: Subscription, snapshot: StreamSnapshot, start: StartAt): OpenResult & { ok: true } {
    if ('head' in start) {
      subscription.lastId = snapshot.head;
      return { ok: true, lastId: snapshot.head, replayed: 0, gap: false };
    }
    const { gap } = planResume(snapshot, start.after);
    subscription.lastId = gap ? snapshot.head : start.after;
    const replayed = gap ? 0 : subscription.replay(snapshot.messages);
    return { ok: true, lastId: subscription.lastId, replayed, gap };
  }

  function unsubscribe(connection: RealtimeConnection, channel: string): boolean {
    const subscription = connection.subscriptions.get(channel);
    if (!subscription) return false;
    channels.remove(subscription);
    connection.subscriptions.delete(channel);
    return true;
  }

  return { open, unsubscribe };
}

export type RealtimeService = ReturnType<typeof createRealtimeService>;
