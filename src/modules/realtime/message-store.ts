import type { StoredMessage } from './realtime-message.ts';

export type FanoutListener = (stream: string, id: number, text: string) => void;

export interface StreamSnapshot {
  /** The last id assigned in the stream (0 when it has none yet). */
  head: number;
  /** Retained messages, oldest first, none older than the buffer age. */
  messages: StoredMessage[];
}

/**
 * Where channel messages get their ids, are kept for replay, and are fanned out. The memory driver serves
 * one process (embedded mode); the Redis driver serves a cluster: ids from INCR, a capped list per stream,
 * and pub/sub to every API process. Both deliver each stream's messages to listeners in id order.
 */
export interface MessageStore {
  append(stream: string, body: string, timestamp: number): Promise<number>;
  read(stream: string): Promise<StreamSnapshot>;
  /** Starts receiving the fan-out (the Redis driver subscribes lazily: a worker never needs to). */
  listen(listener: FanoutListener): Promise<void>;
  close(): Promise<void>;
}

export interface BufferLimits {
  size: number;
  ageMs: number;
}

/**
 * A new stream's counter starts at the current time in ms rather than 0, so ids keep increasing when a
 * stream is forgotten (idle expiry, an embedded restart) and then reused: a client resuming from an old id
 * gets an honest gap instead of silently skipping the new messages that reuse small ids.
 */
export function initialSequence(): number {
  return Date.now();
}
