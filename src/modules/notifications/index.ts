import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import { createBroadcastRepository } from './broadcast.repository.ts';
import { createBroadcasts, type Broadcasts } from './broadcast.ts';
import { createNotificationRepository } from './notification.repository.ts';
import { registerBroadcastRoutes, registerNotificationsRoutes } from './notifications.routes.ts';
import { createNotificationsService, type NotificationsService } from './notifications.service.ts';
import type { EmailPort, UserDirectory } from './ports.ts';
import { createPreferencesRepository } from './preferences.repository.ts';
import { createRetention, type Retention } from './retention.ts';
import { subscribeSources } from './sources.ts';

export type { EmailPort, UserDirectory } from './ports.ts';
export type { NotificationsService } from './notifications.service.ts';
export { DEFAULT_CATEGORIES, NOTIFICATION_TYPES } from './preferences.ts';

export interface NotificationsModuleDeps {
  config: Config;
  db: Kysely<DB>;
  events: EventBus;
  email: EmailPort;
  users: UserDirectory;
  /** Run the periodic jobs (retention, broadcast fan-out) in this process. */
  worker: boolean;
  instanceId: string;
}

export interface NotificationsModule {
  service: NotificationsService;
  broadcasts: Broadcasts;
  retention: Retention;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The notification centre (in-process callers, tests and benchmarks). */
    notifications: NotificationsModule;
  }
}

/**
 * The in-app notification centre: /api/notifications (inbox, unread count, preferences), admin
 * broadcasts, the sources (test and quota events) and retention. Live updates leave as
 * NotificationCreated / NotificationUnreadCount events, which realtime forwards to `user-notifications`.
 */
export async function notificationsModule(
  app: FastifyInstance,
  deps: NotificationsModuleDeps,
): Promise<NotificationsModule> {
  const notifications = createNotificationRepository(deps.db);
  const preferences = createPreferencesRepository(deps.db);
  const service = createNotificationsService({
    db: deps.db,
    notifications,
    preferences,
    users: deps.users,
    email: deps.email,
    events: deps.events,
    log: app.log,
  });
  const broadcasts = createBroadcasts({
    db: deps.db,
    broadcasts: createBroadcastRepository(deps.db),
    notifications,
    preferences,
    service,
    users: deps.users,
    email: deps.email,
    instanceId: deps.instanceId,
    log: app.log,
  });
  const retention = createRetention({
    notifications,
    service,
    log: app.log,
    retentionMs: deps.config.notifications.retentionMs,
    intervalMs: deps.config.notifications.retentionIntervalMs,
  });

  registerNotificationsRoutes(app, service);
  registerBroadcastRoutes(app, broadcasts);
  // Deliveries in flight are awaited at shutdown: a test the worker finished while stopping still notifies.
  const inFlight = new Set<Promise<unknown>>();
  const unsubscribe = subscribeSources(deps.events, (d) => {
    const delivery = service.deliver(d);
    inFlight.add(delivery);
    const forget = () => void inFlight.delete(delivery);
    delivery.then(forget, forget);
    return delivery;
  });

  // Started once the app is ready (the database is migrated by then), stopped before it closes.
  app.addHook('onReady', async () => {
    if (!deps.worker) return;
    broadcasts.start();
    retention.start();
  });
  // After the queue's preClose (registered earlier), which stops the worker and so the last test events.
  app.addHook('preClose', async () => {
    unsubscribe();
    await Promise.all([broadcasts.stop(), retention.stop(), Promise.allSettled([...inFlight])]);
  });

  const module = { service, broadcasts, retention };
  app.decorate('notifications', module);
  return module;
}
