import type { EventBus } from '../../shared/events/index.ts';
import type { ConnectionManager } from './connection-manager.ts';
import { WsConnection } from './ws-connection.ts';

/** The close code and reason of a socket whose access token or API token stopped working (as a refused handshake). */
export const REVOKED = { code: 4401, reason: 'access token revoked' } as const;

/**
 * A socket closes when the credential it was opened with stops working, not when that credential would
 * have expired: a personal API token's (`tw_…`, which may never expire) on ApiTokenRevoked for that
 * token; an access token's when AccessRevoked names its session (logout, a deleted session); and every
 * socket of the user on an AccessRevoked of all their access (disabled, logout-all, password reset) or of
 * their role (admin power is decided at the handshake; a reconnect decides again). Every process closes
 * its own sockets (the Redis bus brings the events).
 */
export function closeRevokedTokenSockets(events: EventBus, connections: ConnectionManager): () => void {
  const close = (userId: string, match: (connection: WsConnection) => boolean) => {
    for (const connection of connections.forUser(userId))
      if (connection instanceof WsConnection && match(connection))
        connection.close(REVOKED.code, REVOKED.reason);
  };
  const stops = [
    events.subscribe('ApiTokenRevoked', (e) => close(e.userId, (c) => c.user.apiToken?.id === e.tokenId)),
    events.subscribe('AccessRevoked', (e) => {
      const sessions = e.sessionIds;
      if (sessions === null || e.reason === 'disabled' || e.reason === 'role-changed')
        close(e.userId, () => true);
      else close(e.userId, (c) => !c.user.apiToken && sessions.includes(c.user.sessionId));
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
