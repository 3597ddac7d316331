/** What the monitor needs from a WebSocket connection. */
export interface HeartbeatTarget {
  /** Set by the connection when a pong (or any frame) arrives; cleared by the monitor when it pings. */
  alive: boolean;
  /** When the access token the connection was opened with expires (ms), or null. */
  readonly expiresAt: number | null;
  ping(): void;
  terminate(): void;
  close(code: number, reason: string): void;
}

/**
 * One timer per process, not per socket: each tick drops sockets that did not answer the previous ping,
 * pings the rest, and closes sockets whose access token has expired (4401) so that a revoked or
 * signed-out user stops receiving within one token lifetime; the client reconnects with a fresh token and resumes.
 */
export function createHeartbeatMonitor(intervalMs: number, targets: () => Iterable<HeartbeatTarget>) {
  const tick = () => {
    const now = Date.now();
    for (const target of [...targets()]) {
      if (target.expiresAt !== null && now >= target.expiresAt) target.close(4401, 'access token expired');
      else if (!target.alive) target.terminate();
      else {
        target.alive = false;
        target.ping();
      }
    }
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
