/**
 * The one realtime message format (SPEC section 6). Channel messages carry `id`, a decimal position that
 * increases per channel stream across every process; control replies (subscribed, error, pong…) carry
 * `id: null` because they have no position.
 */
export interface ServerMessage {
  event: string;
  data: unknown;
  timestamp: number;
  channel: string | null;
  id: string | null;
}

/** A channel message as stored and fanned out: its position, its time and its wire text (serialized once). */
export interface StoredMessage {
  id: number;
  timestamp: number;
  text: string;
}

/**
 * Who receives a message. Per-user channels (`test-updates`, `user-notifications`) need the `userId`
 * whose stream it belongs to; shared channels (`system-alerts`, `stress-test-{testId}`) take none —
 * everyone allowed to subscribe gets it.
 */
export interface Audience {
  userId?: string;
}

/** The largest frame either side may send (SPEC/issue: 64 KiB). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export function controlMessage(event: string, channel: string | null, data: unknown = {}): string {
  const message: ServerMessage = { event, data, timestamp: Date.now(), channel, id: null };
  return JSON.stringify(message);
}

/**
 * The wire text of a channel message. The id is spliced in front so Redis can assign it inside a Lua
 * script without decoding JSON: `body` is the serialized `{event,data,timestamp,channel}` minus its `{`.
 */
export function messageBody(event: string, data: unknown, channel: string, timestamp: number): string {
  return JSON.stringify({ event, data, timestamp, channel }).slice(1);
}

export function withId(id: number, body: string): string {
  return `{"id":"${id}",${body}`;
}

const ID_PREFIX = /^\{"id":"(\d+)"/;

/** Reads the position and time back from a stored wire text. */
export function parseStored(text: string): StoredMessage {
  const match = ID_PREFIX.exec(text);
  if (!match) throw new Error('realtime: stored message without an id');
  const { timestamp } = JSON.parse(text) as { timestamp: number };
  return { id: Number(match[1]), timestamp, text };
}

export function idOf(text: string): number {
  const match = ID_PREFIX.exec(text);
  return match ? Number(match[1]) : 0;
}
