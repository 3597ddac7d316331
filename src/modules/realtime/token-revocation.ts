import type { EventBus } from '../../shared/events/index.ts';
import type { ConnectionManager } from './connection-manager.ts';
import { WsConnection } from './ws-connection.ts';

/** The close code and reason of a socket whose personal API token stopped working (as a refused handshake). */
export const REVOKED = { code: 4401, reason: 'access token revoked' } as const;

/**
 * Sockets opened with a personal API token (`tw_…`, which may never expire) close when the token stops
 * working: on ApiTokenRevoked for that token, and on an AccessRevoked of all the user's access (disabled,
 * logout-all, password reset) or of their role (the token's admin power is decided at the handshake; a
 * reconnect decides again). Every process closes its own sockets (the Redis bus brings the events).
 */
export function closeRevokedTokenSockets(events: EventBus, connections: ConnectionManager): () => void {
  const close = (userId: string, match: (connection: WsConnection) => boolean) => {
    for (const connection of connections.forUser(userId))
      if (connection instanceof WsConnection && connection.user.apiToken && match(connection))
        connection.close(REVOKED.code, REVOKED.reason);
  };
  const stops = [
    events.subscribe('ApiTokenRevoked', (e) => close(e.userId, (c) => c.user.apiToken?.id === e.tokenId)),
    events.subscribe('AccessRevoked', (e) => {
      if (e.sessionIds === null || e.reason === 'disabled' || e.reason === 'role-changed')
        close(e.userId, () => true);
    }),
  ];
  return () => stops.forEach((stop) => stop());
}
