import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import type { RedisFactory } from '../../shared/redis/index.ts';
import { ChannelManager } from './channel-manager.ts';
import { ConnectionManager } from './connection-manager.ts';
import { createHeartbeatMonitor } from './heartbeat-monitor.ts';
import { createMessageBroker, type MessageBroker } from './message-broker.ts';
import { createMemoryMessageStore } from './message-store.memory.ts';
import { createRedisMessageStore } from './message-store.redis.ts';
import { PollConnection } from './poll-connection.ts';
import { registerPollRoutes } from './poll.routes.ts';
import { createRealtimeMetrics } from './realtime-metrics.ts';
import { bridgeAlertEvents, bridgeNotificationEvents, bridgeTestEvents } from './realtime-bridge.ts';
import { bridgeMonitoringStatus } from './monitoring-bridge.ts';
import { createRealtimeStats, type RealtimeStats } from './realtime-stats.ts';
import { createRealtimeService } from './realtime.service.ts';
import { createTestOwnerRegistry } from './test-owner.registry.ts';
import { closeRevokedTokenSockets } from './token-revocation.ts';
import { WsConnection } from './ws-connection.ts';
import { createWsProtocol } from './ws-protocol.ts';
import { registerWsRoute, type TokenVerifier } from './ws.routes.ts';

export type { MessageBroker, PublishedMessage } from './message-broker.ts';
export type { Audience, ServerMessage } from './realtime-message.ts';

export interface RealtimeModuleDeps {
  config: Config;
  /** Who owns a test, from the system of record (the test-runs module's lookup); null when there is none. */
  ownerOf: (testId: string) => Promise<string | null>;
  events: EventBus;
  tokens: TokenVerifier;
  /** null in embedded mode: ids, replay and fan-out stay in this process. */
  redis: RedisFactory | null;
  /** Whether tests of a type also stream on `stress-test-{testId}` (the engine registry's answer). */
  streamsLive: (type: string) => boolean;
}

export interface Realtime {
  /** Publish here: `broker.publish(channel, event, data, audience)`. */
  broker: MessageBroker;
  connections: ConnectionManager;
  channels: ChannelManager;
  stats: RealtimeStats;
  /** Prometheus series for /metrics. */
  metrics: { registry: Registry };
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime;
  }
}

/**
 * The realtime layer: the broker and the test-event bridge (in every process, workers included), and on
 * the API port `GET /ws` and `GET /api/realtime/poll`.
 */
export async function realtimeModule(app: FastifyInstance, deps: RealtimeModuleDeps): Promise<Realtime> {
  const { config, redis } = deps;
  const settings = config.realtime;
  const limits = { size: settings.bufferSize, ageMs: settings.bufferAgeMs };
  // The factory gives each connection its error listener (logged with the purpose); ioredis reconnects by itself.
  const commands = redis ? redis.create('realtime') : null;
  const store =
    redis && commands
      ? createRedisMessageStore({
          commands,
          createSubscriber: () => redis.create('realtime-fanout'),
          keyPrefix: config.redisKeyPrefix,
          limits,
        })
      : createMemoryMessageStore(limits);
  const broker = createMessageBroker(store);
  const owners = createTestOwnerRegistry({
    ownerOf: deps.ownerOf,
    redis: commands,
    keyPrefix: config.redisKeyPrefix,
  });
  const stopTestBridge = bridgeTestEvents({
    events: deps.events,
    broker,
    owners,
    streamsLive: deps.streamsLive,
  });
  const stopNotificationBridge = bridgeNotificationEvents({ events: deps.events, broker });
  const stopMonitoringBridge = bridgeMonitoringStatus({ events: deps.events, broker });
  const stopAlertBridge = bridgeAlertEvents({ events: deps.events, broker });
  const stopBridge = () =>
    [stopTestBridge, stopNotificationBridge, stopMonitoringBridge, stopAlertBridge].forEach((stop) => stop());

  const stats = createRealtimeStats();
  const channels = new ChannelManager();
  const connections = new ConnectionManager(channels, settings);
  const service = createRealtimeService({
    broker,
    channels,
    connections,
    owners,
    maxSubscriptions: settings.maxSubscriptions,
  });
  const handle = createWsProtocol(service, app.log);
  app.addHook('preClose', async () => {
    // Held polls answer now and sockets get 1001 "going away", so shutdown does not wait out a 25 s hold.
    // Added before @fastify/websocket registers its own preClose, which closes sockets without a code.
    for (const connection of [...connections.all()]) {
      if (connection instanceof WsConnection) connection.close(1001, 'server shutting down');
      else if (connection instanceof PollConnection) connection.release();
    }
  });
  await registerWsRoute(app, {
    tokens: deps.tokens,
    connections,
    handle,
    stats,
    sendBufferBytes: settings.sendBufferBytes,
    pingIntervalMs: settings.pingIntervalMs,
  });
  registerPollRoutes(app, {
    service,
    connections,
    holdMs: settings.pollHoldMs,
    maxSubscriptions: settings.maxSubscriptions,
  });

  const sockets = () => [...connections.all()].filter((c): c is WsConnection => c instanceof WsConnection);
  const heartbeat = createHeartbeatMonitor(settings.pingIntervalMs, sockets);
  const stopRevocations = closeRevokedTokenSockets(deps.events, connections);
  app.addHook('onClose', async () => {
    heartbeat.stop();
    stopRevocations();
    stopBridge();
    await broker.close();
    await commands?.quit().catch(() => undefined);
  });
  const realtime = {
    broker,
    connections,
    channels,
    stats,
    metrics: { registry: createRealtimeMetrics(connections, channels, stats) },
  };
  app.decorate('realtime', realtime);
  return realtime;
}
