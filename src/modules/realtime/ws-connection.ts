import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { WebSocket } from 'ws';
import type { AuthUser } from '../../shared/http/index.ts';
import type { RealtimeConnection } from './connection-manager.ts';
import type { HeartbeatTarget } from './heartbeat-monitor.ts';
import type { RealtimeStats } from './realtime-stats.ts';
import type { Subscription } from './subscription.ts';

/** A slow client gets this long to take its close frame before its socket is destroyed. */
const CLOSE_GRACE_MS = 1000;

export interface WsConnectionOptions {
  sendBufferBytes: number;
  expiresAt: number | null;
  stats: RealtimeStats;
  /** Called once when the connection must be forgotten (closed, terminated, or dropped as slow). */
  onGone(connection: WsConnection): void;
}

/** A WebSocket as a realtime connection: bounded sends, heartbeat hooks and a close that cannot hang. */
export class WsConnection implements RealtimeConnection, HeartbeatTarget {
  readonly id = randomUUID();
  readonly kind = 'ws' as const;
  readonly subscriptions = new Map<string, Subscription>();
  readonly expiresAt: number | null;
  closed = false;
  alive = true;
  /** Client actions not yet answered (bounded by the protocol handler). */
  inFlight = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly user: AuthUser,
    private readonly socket: WebSocket,
    private readonly options: WsConnectionOptions,
  ) {
    this.expiresAt = options.expiresAt;
  }

  send(text: string, frame?: Buffer): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    // A client that does not read would make us buffer without bound: drop it, it can reconnect and resume.
    if (this.socket.bufferedAmount > this.options.sendBufferBytes) {
      this.options.stats.slowConsumersClosed++;
      this.close(1013, 'send buffer full: reconnect and resume');
      return;
    }
    if (frame) this.socket.send(frame, { binary: false });
    else this.socket.send(text);
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.options.stats.peakBufferedBytes) this.options.stats.peakBufferedBytes = buffered;
  }

  /** Runs client actions one at a time, so replies keep the order of the requests. */
  enqueue(task: () => Promise<void>): void {
    this.inFlight++;
    this.queue = this.queue.then(task).finally(() => this.inFlight--);
  }

  ping(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.ping();
  }

  terminate(): void {
    this.options.stats.heartbeatTerminations++;
    this.socket.terminate();
    this.options.onGone(this);
  }

  close(code: number, reason: string): void {
    this.options.onGone(this);
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close(code, reason);
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }
}

/**
 * @fastify/websocket's `errorHandler` (its default logs every socket error at error level with a stack).
 * A client's doing is not our error: breaking the protocol (ws's frame checks — a frame over maxPayload,
 * a bad opcode, invalid UTF-8; ws has already sent the close frame, 1009 for an oversized one, and the
 * socket gets CLOSE_GRACE_MS to deliver it) is logged at info, a vanished peer at debug. Anything else is ours.
 */
export function onSocketError(
  error: Error & { code?: string },
  socket: WebSocket,
  request: FastifyRequest,
): void {
  if (error.code?.startsWith('WS_ERR_')) {
    request.log.info(
      { code: error.code, reason: error.message },
      'websocket closed: the client broke the protocol',
    );
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
    return;
  }
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE')
    request.log.debug({ code: error.code }, 'websocket peer went away');
  else request.log.error({ err: error }, 'websocket handler failed');
  socket.terminate();
}
