import type { FastifyInstance, FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { decodeJwt } from 'jose';
import type { AuthUser } from '../../shared/http/index.ts';
import type { ConnectionManager } from './connection-manager.ts';
import { MAX_PAYLOAD_BYTES, controlMessage } from './realtime-message.ts';
import type { RealtimeStats } from './realtime-stats.ts';
import { WsConnection, onSocketError } from './ws-connection.ts';
import type { createWsProtocol } from './ws-protocol.ts';

export interface TokenVerifier {
  verify(token: string): Promise<AuthUser>;
}

export interface WsRouteDeps {
  tokens: TokenVerifier;
  connections: ConnectionManager;
  handle: ReturnType<typeof createWsProtocol>;
  stats: RealtimeStats;
  sendBufferBytes: number;
  pingIntervalMs: number;
}

type Handshake = { user: AuthUser; expiresAt: number | null } | { reason: string };

declare module 'fastify' {
  interface FastifyRequest {
    realtimeHandshake: Handshake | null;
  }
}

/** The subprotocol a browser offers next to its token: `new WebSocket(url, ['bearer', token])`. */
const BEARER = 'bearer';

/** Browsers cannot set headers on a WebSocket, so the token rides in the subprotocol list or `?token=`. */
function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers['sec-websocket-protocol'];
  if (typeof header === 'string') {
    const offered = header.split(',').map((p) => p.trim());
    if (offered.includes(BEARER)) return offered.find((p) => p !== BEARER);
  }
  const query = request.query as Record<string, unknown> | undefined;
  return typeof query?.token === 'string' ? query.token : undefined;
}

async function handshake(tokens: TokenVerifier, request: FastifyRequest): Promise<Handshake> {
  const token = tokenOf(request);
  if (!token) return { reason: 'missing access token' };
  try {
    const user = await tokens.verify(token);
    // A personal API token (`tw_…`) says its own expiry; a JWT's is its `exp`.
    if (user.apiToken) return { user, expiresAt: user.apiToken.expiresAt };
    const { exp } = decodeJwt(token);
    return { user, expiresAt: typeof exp === 'number' ? exp * 1000 : null };
  } catch (err) {
    return {
      reason:
        (err as { code?: string }).code === 'ERR_TOKEN_EXPIRED'
          ? 'access token expired'
          : 'invalid access token',
    };
  }
}

/**
 * `GET /ws`. The upgrade is always accepted so that a refusal can carry a close code a browser can read
 * (4401 unauthenticated, 4429 over the connection limits); an HTTP 401 on the upgrade reaches scripts only
 * as a bare failure.
 */
export async function registerWsRoute(app: FastifyInstance, deps: WsRouteDeps): Promise<void> {
  await app.register(websocket, {
    errorHandler: (error, socket, request) => onSocketError(error, socket, request),
    options: {
      maxPayload: MAX_PAYLOAD_BYTES,
      perMessageDeflate: false,
      // Answer the `bearer` subprotocol (never echo the token); browsers fail a handshake that picks none.
      handleProtocols: (offered: Set<string>) => (offered.has(BEARER) ? BEARER : false),
    },
  });
  app.decorateRequest('realtimeHandshake', null);
  const onGone = (connection: WsConnection) => deps.connections.remove(connection);

  app.get(
    '/ws',
    {
      websocket: true,
      config: { auth: 'public' },
      schema: { hide: true },
      preValidation: async (request) => {
        request.realtimeHandshake = await handshake(deps.tokens, request);
      },
    },
    (socket, request) => {
      const shake = request.realtimeHandshake ?? { reason: 'missing access token' };
      if ('reason' in shake) return socket.close(4401, shake.reason);
      const connection = new WsConnection(shake.user, socket, {
        sendBufferBytes: deps.sendBufferBytes,
        expiresAt: shake.expiresAt,
        stats: deps.stats,
        onGone,
      });
      const admission = deps.connections.admit(connection);
      if (!admission.ok) {
        deps.stats.refusedConnections++;
        return socket.close(4429, admission.message.slice(0, 120));
      }
      socket.on('pong', () => (connection.alive = true));
      socket.on('message', (data, isBinary) => {
        connection.alive = true;
        deps.handle(connection, data, isBinary);
      });
      socket.on('close', () => onGone(connection));
      socket.on('error', (err) => {
        request.log.debug({ err, connectionId: connection.id }, 'websocket error');
        onGone(connection);
      });
      connection.send(
        controlMessage('connected', null, {
          connectionId: connection.id,
          userId: shake.user.id,
          pingIntervalMs: deps.pingIntervalMs,
        }),
      );
    },
  );
}
