import { Gauge, Registry } from 'prom-client';
import type { ChannelManager } from './channel-manager.ts';
import type { ConnectionManager } from './connection-manager.ts';
import type { RealtimeStats } from './realtime-stats.ts';

/** The realtime layer's Prometheus series, read from the live maps at scrape time (nothing to keep in step). */
export function createRealtimeMetrics(
  connections: ConnectionManager,
  channels: ChannelManager,
  stats: RealtimeStats,
): Registry {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name: `testweb_realtime_${name}`,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  new Gauge({
    name: 'testweb_realtime_connections',
    help: 'Open WebSockets and held long-polls in this process',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const count = { ws: 0, poll: 0 };
      for (const connection of connections.all()) count[connection.kind]++;
      this.set({ kind: 'ws' }, count.ws);
      this.set({ kind: 'poll' }, count.poll);
    },
  });
  gauge('users', 'Users with at least one realtime connection in this process', () => connections.userCount);
  gauge('subscriptions', 'Channel subscriptions in this process', () => channels.subscriptionCount);
  gauge(
    'slow_consumers_closed',
    'Sockets closed with 1013 for exceeding the send buffer, since start',
    () => stats.slowConsumersClosed,
  );
  gauge(
    'heartbeat_terminations',
    'Sockets terminated for a missed pong, since start',
    () => stats.heartbeatTerminations,
  );
  gauge(
    'refused_connections',
    'Sockets refused over the connection limits, since start',
    () => stats.refusedConnections,
  );
  gauge(
    'peak_send_buffer_bytes',
    'Largest per-socket send buffer seen after a send, since start',
    () => stats.peakBufferedBytes,
  );
  return registry;
}
