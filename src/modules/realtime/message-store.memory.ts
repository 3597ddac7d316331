import { initialSequence, type BufferLimits, type FanoutListener, type MessageStore } from './message-store.ts';
import { withId, type StoredMessage } from './realtime-message.ts';

interface Stream {
  seq: number;
  messages: StoredMessage[];
}

/** The embedded driver: counters and ring buffers in this process; idle streams are swept after the buffer age. */
export function createMemoryMessageStore(limits: BufferLimits): MessageStore {
  const streams = new Map<string, Stream>();
  const listeners: FanoutListener[] = [];
  const fresh = (now: number) => (m: StoredMessage) => m.timestamp >= now - limits.ageMs;
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, stream] of streams) {
      const last = stream.messages.at(-1);
      if (!last || !fresh(now)(last)) streams.delete(key);
    }
  }, Math.min(limits.ageMs, 60_000));
  sweep.unref();

  return {
    async append(key, body, timestamp) {
      let stream = streams.get(key);
      if (!stream) streams.set(key, (stream = { seq: initialSequence(), messages: [] }));
      const id = ++stream.seq;
      const message = { id, timestamp, text: withId(id, body) };
      stream.messages.push(message);
      if (stream.messages.length > limits.size) stream.messages.splice(0, stream.messages.length - limits.size);
      for (const listener of listeners) listener(key, id, message.text);
      return id;
    },
    async read(key) {
      const stream = streams.get(key);
      if (!stream) return { head: 0, messages: [] };
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
