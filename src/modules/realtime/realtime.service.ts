import { authorize } from './channel-policy.ts';
import type { ChannelManager } from './channel-manager.ts';
import type { ConnectionManager, RealtimeConnection } from './connection-manager.ts';
import type { MessageBroker } from './message-broker.ts';
import type { StreamSnapshot } from './message-store.ts';
import { realtimeErrors } from './realtime-errors.ts';
import { Subscription } from './subscription.ts';
import type { TestOwnerLookup } from './test-owner.registry.ts';

/** Where a subscription starts: at the current head, or right after a position the client already has. */
export type StartAt = { head: true } | { after: number };

/** Where the subscription stands: its position, how many messages a resume replayed, whether it was a gap. */
export interface OpenResult {
  lastId: number;
  replayed: number;
  gap: boolean;
}

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

/**
 * Subscribing, resuming and unsubscribing, for WebSocket and long-poll connections alike. A refusal is
 * thrown as an AppError (see channel-policy.ts and realtime-errors.ts): the socket turns it into an
 * error frame, the long-poll lets it reach the one error handler, both with the same `code`.
 */
export function createRealtimeService(deps: RealtimeServiceDeps) {
  const { broker, channels, owners } = deps;

  /**
   * Authorizes, subscribes, replays, calls `ready` (which sends the client's acknowledgement), then goes live
   * — so the acknowledgement follows the replayed messages and precedes every live one.
   */
  async function open(
    connection: RealtimeConnection,
    channel: string,
    start: StartAt,
    ready?: (result: OpenResult) => void,
  ): Promise<OpenResult> {
    const stream = await authorize(connection.user, channel, owners);
    const existing = connection.subscriptions.get(channel);
    if (existing && 'head' in start) {
      const result = { lastId: existing.lastId, replayed: 0, gap: false };
      ready?.(result);
      return result;
    }
    if (existing) unsubscribe(connection, channel);
    if (connection.subscriptions.size >= deps.maxSubscriptions)
      throw realtimeErrors.tooManySubscriptions(deps.maxSubscriptions);
    await broker.listen(channels.dispatch);
    // The connection may have gone while we awaited; subscribing it now would leave a trace.
    if (connection.closed) throw realtimeErrors.closed();
    const subscription = new Subscription(channel, stream, connection);
    connection.subscriptions.set(channel, subscription);
    channels.add(subscription);
    let snapshot: StreamSnapshot;
    try {
      snapshot = await broker.read(stream);
    } catch (err) {
      unsubscribe(connection, channel);
      throw err;
    }
    const result = sync(subscription, snapshot, start);
    ready?.(result);
    subscription.goLive();
    return result;
  }

  function sync(subscription: Subscription, snapshot: StreamSnapshot, start: StartAt): OpenResult {
    if ('head' in start) {
      subscription.lastId = snapshot.head;
      return { lastId: snapshot.head, replayed: 0, gap: false };
    }
    const { gap } = planResume(snapshot, start.after);
    subscription.lastId = gap ? snapshot.head : start.after;
    const replayed = gap ? 0 : subscription.replay(snapshot.messages);
    return { lastId: subscription.lastId, replayed, gap };
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
