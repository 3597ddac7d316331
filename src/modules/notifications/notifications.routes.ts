import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser, problems } from '../../shared/http/index.ts';
import type { Broadcasts } from './broadcast.ts';
import type { NotificationsService } from './notifications.service.ts';
import {
  BroadcastAccepted,
  BroadcastBody,
  BroadcastIdParams,
  BroadcastView,
  ListNotificationsQuery,
  MarkReadBody,
  NotificationIdParams,
  NotificationList,
  NotificationView,
  PreferencesPatchBody,
  PreferencesView,
  UnreadCount,
  Updated,
} from './notifications.schemas.ts';

const tags = ['notifications'];
const security = [{ bearerAuth: [] }];

/**
 * The inbox of the signed-in user. The static paths (`read-all`, `read`, `unread-count`, `preferences`)
 * win over `:id` in Fastify's router, and `:id` is a UUID, so `DELETE /api/notifications/preferences`
 * is a 400 naming /params/id, never a lookup.
 */
export function registerNotificationsRoutes(fastify: FastifyInstance, service: NotificationsService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const me = (req: Parameters<typeof currentUser>[0]) => currentUser(req).id;

  app.get('/api/notifications', {
    schema: {
      tags,
      security,
      summary: 'Your notifications, newest first (cursor pages)',
      querystring: ListNotificationsQuery,
      response: { 200: NotificationList, ...problems(400, 401) },
    },
    handler: (req) => service.list(me(req), req.query),
  });

  app.get('/api/notifications/unread-count', {
    schema: {
      tags,
      security,
      summary: 'How many of your notifications are unread',
      response: { 200: UnreadCount, ...problems(401) },
    },
    handler: (req) => service.unreadCount(me(req)),
  });

  app.put('/api/notifications/read-all', {
    schema: {
      tags,
      security,
      summary: 'Mark all your notifications read',
      response: { 200: Updated, ...problems(401) },
    },
    handler: (req) => service.markAllRead(me(req)),
  });

  app.put('/api/notifications/read', {
    schema: {
      tags,
      security,
      summary: 'Mark some of your notifications read (up to 100 ids; ids not yours are left alone)',
      body: MarkReadBody,
      response: { 200: Updated, ...problems(400, 401, 415) },
    },
    handler: (req) => service.markManyRead(me(req), req.body.ids),
  });

  app.put('/api/notifications/:id/read', {
    schema: {
      tags,
      security,
      summary: 'Mark one of your notifications read',
      params: NotificationIdParams,
      response: { 200: NotificationView, ...problems(400, 401, 404) },
    },
    handler: (req) => service.markRead(me(req), req.params.id),
  });

  app.delete('/api/notifications/:id', {
    schema: {
      tags,
      security,
      summary: 'Delete one of your notifications',
      params: NotificationIdParams,
      response: { 204: Type.Null({ description: 'Deleted' }), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      await service.delete(me(req), req.params.id);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/notifications/preferences', {
    schema: {
      tags,
      security,
      summary: 'Your notification preferences (defaults where you set nothing)',
      response: { 200: PreferencesView, ...problems(401) },
    },
    handler: (req) => service.getPreferences(me(req)),
  });

  app.put('/api/notifications/preferences', {
    schema: {
      tags,
      security,
      summary: 'Change some of your notification preferences; answers all of them',
      body: PreferencesPatchBody,
      response: { 200: PreferencesView, ...problems(400, 401, 415) },
    },
    handler: (req) => service.updatePreferences(me(req), req.body),
  });
}

/** Admin broadcasts (system_update to every user), fanned out in the background. */
export function registerBroadcastRoutes(fastify: FastifyInstance, broadcasts: Broadcasts): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/admin/notifications/broadcast', {
    config: { auth: 'admin' },
    schema: {
      tags,
      security,
      summary: 'Send a system_update notification to every user (admin; delivered in the background)',
      body: BroadcastBody,
      response: { 202: BroadcastAccepted, ...problems(400, 401, 403, 415) },
    },
    handler: async (req, reply) =>
      reply.status(202).send(await broadcasts.create(currentUser(req).id, req.body)),
  });

  app.get('/api/admin/notifications/broadcasts/:id', {
    config: { auth: 'admin' },
    schema: {
      tags,
      security,
      summary: "A broadcast's progress (admin)",
      params: BroadcastIdParams,
      response: { 200: BroadcastView, ...problems(400, 401, 403, 404) },
    },
    handler: (req) => broadcasts.get(req.params.id),
  });
}
