import { readDuration as ms, readInt as int } from './parse.ts';

/** Limits and timings of the realtime layer (/ws and long-poll); see docs/WEBSOCKET_GUIDE.md. */
export interface RealtimeConfig {
  /** How often the server pings each socket; a socket that has not answered the previous ping is dropped. */
  pingIntervalMs: number;
  /** Messages kept per channel stream for `resume` and long-poll. */
  bufferSize: number;
  /** Oldest message age kept for replay. */
  bufferAgeMs: number;
  /** Bytes queued for one socket before it is closed with 1013 (a slow consumer). */
  sendBufferBytes: number;
  maxConnectionsPerUser: number;
  maxConnections: number;
  maxSubscriptions: number;
  /** How long a long-poll request is held open waiting for a message. */
  pollHoldMs: number;
}

type Env = Record<string, string | undefined>;

/** `e` already carries the defaults from ENV_VARS. */
export function parseRealtimeConfig(e: Env): RealtimeConfig {
  return {
    pingIntervalMs: ms(e, 'REALTIME_PING_INTERVAL', 50, 600_000),
    bufferSize: int(e, 'REALTIME_BUFFER_SIZE', 1, 100_000),
    bufferAgeMs: ms(e, 'REALTIME_BUFFER_AGE', 1000, 86_400_000),
    sendBufferBytes: int(e, 'REALTIME_SEND_BUFFER_BYTES', 65_536, 1_073_741_824),
    maxConnectionsPerUser: int(e, 'REALTIME_MAX_CONNECTIONS_PER_USER', 1, 1_000_000),
    maxConnections: int(e, 'REALTIME_MAX_CONNECTIONS', 1, 1_000_000),
    maxSubscriptions: int(e, 'REALTIME_MAX_SUBSCRIPTIONS', 1, 10_000),
    pollHoldMs: ms(e, 'REALTIME_POLL_HOLD', 0, 120_000),
  };
}
