import {
  initialSequence,
  type BufferLimits,
  type FanoutListener,
  type MessageStore,
} from './message-store.ts';
import { withId, type StoredMessage } from './realtime-message.ts';

interface Stream {
  seq: number;
  messages: StoredMessage[];
  /** Last read or message: a stream idle for the buffer age is forgotten. */
  touchedAt: number;
}

/** The embedded driver: counters and ring buffers in this process; idle streams are swept after the buffer age. */
export function createMemoryMessageStore(limits: BufferLimits): MessageStore {
  const streams = new Map<string, Stream>();
  const listeners: FanoutListener[] = [];
  const fresh = (now: number) => (m: StoredMessage) => m.timestamp >= now - limits.ageMs;
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [key, stream] of streams) if (stream.touchedAt < now - limits.ageMs) streams.delete(key);
    },
    Math.min(limits.ageMs, 60_000),
  );
  sweep.unref();
  const open = (key: string): Stream => {
    let stream = streams.get(key);
    if (!stream) streams.set(key, (stream = { seq: initialSequence(), messages: [], touchedAt: 0 }));
    stream.touchedAt = Date.now();
    return stream;
  };

  return {
    async append(key, body, timestamp) {
      const stream = open(key);
      const id = ++stream.seq;
      const message = { id, timestamp, text: withId(id, body) };
      stream.messages.push(message);
      if (stream.messages.length > limits.size)
        stream.messages.splice(0, stream.messages.length - limits.size);
      for (const listener of listeners) listener(key, id, message.text);
      return id;
    },
    async read(key) {
      // Reading starts a missing stream, so the head a subscriber is given is the base of the ids that follow.
      const stream = open(key);
      return { head: stream.seq, messages: stream.messages.filter(fresh(Date.now())) };
    },
    async listen(listener) {
      if (!listeners.includes(listener)) listeners.push(listener);
    },
    async close() {
      clearInterval(sweep);
      streams.clear();
      listeners.length = 0;
    },
  };
}
