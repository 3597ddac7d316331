import type { AuthUser } from '../../shared/http/index.ts';
import type { ChannelManager } from './channel-manager.ts';
import type { MessageSink, Subscription } from './subscription.ts';

/** A WebSocket or a held long-poll request: someone who receives messages. */
export interface RealtimeConnection extends MessageSink {
  readonly id: string;
  readonly user: AuthUser;
  readonly kind: 'ws' | 'poll';
  readonly subscriptions: Map<string, Subscription>;
  /** Set once the manager forgot the connection; nothing may subscribe it afterwards. */
  closed: boolean;
}

export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerUser: number;
}

export type Admission = { ok: true } | { ok: false; code: string; message: string };

/** This process's connections by id and by user, with the per-process and per-user limits. */
export class ConnectionManager {
  private readonly byId = new Map<string, RealtimeConnection>();
  private readonly byUser = new Map<string, Set<RealtimeConnection>>();

  constructor(
    private readonly channels: ChannelManager,
    private readonly limits: ConnectionLimits,
  ) {}

  admit(connection: RealtimeConnection): Admission {
    if (this.byId.size >= this.limits.maxConnections) {
      return {
        ok: false,
        code: 'ERR_TOO_MANY_CONNECTIONS',
        message: 'This server holds its maximum number of realtime connections',
      };
    }
    const mine = this.byUser.get(connection.user.id);
    if ((mine?.size ?? 0) >= this.limits.maxConnectionsPerUser) {
      return {
        ok: false,
        code: 'ERR_TOO_MANY_CONNECTIONS',
        message: `At most ${this.limits.maxConnectionsPerUser} realtime connections per user`,
      };
    }
    this.byId.set(connection.id, connection);
    if (mine) mine.add(connection);
    else this.byUser.set(connection.user.id, new Set([connection]));
    return { ok: true };
  }

  /** Forgets a connection and all its subscriptions; safe to call more than once. */
  remove(connection: RealtimeConnection): void {
    connection.closed = true;
    for (const subscription of connection.subscriptions.values()) this.channels.remove(subscription);
    connection.subscriptions.clear();
    if (!this.byId.delete(connection.id)) return;
    const mine = this.byUser.get(connection.user.id);
    mine?.delete(connection);
    if (mine?.size === 0) this.byUser.delete(connection.user.id);
  }

  get(id: string): RealtimeConnection | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<RealtimeConnection> {
    return this.byId.values();
  }

  forUser(userId: string): RealtimeConnection[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  get size(): number {
    return this.byId.size;
  }

  get userCount(): number {
    return this.byUser.size;
  }
}
