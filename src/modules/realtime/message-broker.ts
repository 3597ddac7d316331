import type { MessageStore, FanoutListener, StreamSnapshot } from './message-store.ts';
import { parseChannel, streamFor } from './channel-policy.ts';
import { MAX_PAYLOAD_BYTES, messageBody, type Audience } from './realtime-message.ts';

export interface PublishedMessage {
  id: string;
  channel: string;
  stream: string;
}

/**
 * The one way anything publishes realtime messages: test events today, notifications and alerts later.
 * It works in any process (a worker without HTTP included): the store assigns the per-channel id, keeps the
 * message for replay and fans it out to every API process.
 *
 * @example
 * await broker.publish('user-notifications', 'notification', { notificationId }, { userId });
 * await broker.publish('system-alerts', 'alert.triggered', { ruleId, value });
 */
export interface MessageBroker {
  publish(channel: string, event: string, data: unknown, audience?: Audience): Promise<PublishedMessage>;
  read(stream: string): Promise<StreamSnapshot>;
  listen(listener: FanoutListener): Promise<void>;
  close(): Promise<void>;
}

export function createMessageBroker(store: MessageStore): MessageBroker {
  return {
    async publish(channel, event, data, audience = {}) {
      const parsed = parseChannel(channel);
      if (!parsed) throw new Error(`realtime: unknown channel "${channel}"`);
      const stream = streamFor(parsed, audience.userId);
      const timestamp = Date.now();
      const body = messageBody(event, data, channel, timestamp);
      // Clients refuse frames over 64 KiB; the id adds at most ~30 bytes.
      if (Buffer.byteLength(body) + 32 > MAX_PAYLOAD_BYTES)
        throw new Error(`realtime: ${event} on ${channel} exceeds ${MAX_PAYLOAD_BYTES} bytes`);
      const id = await store.append(stream, body, timestamp);
      return { id: String(id), channel, stream };
    },
    read: (stream) => store.read(stream),
    listen: (listener) => store.listen(listener),
    close: () => store.close(),
  };
}
