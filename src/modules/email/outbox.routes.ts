import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problems } from '../../shared/http/index.ts';
import type { OutboxAdminService } from './outbox.service.ts';
import { ListOutboxQuery, OutboxIdParams, OutboxItem, OutboxList, OutboxMessage } from './outbox.schemas.ts';

const tags = ['admin'];
const admin = { auth: 'admin' as const };
const security = [{ bearerAuth: [] }];

export function registerOutboxRoutes(fastify: FastifyInstance, service: OutboxAdminService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/admin/outbox', {
    config: admin,
    schema: {
      tags,
      security,
      summary: 'E-mails in the outbox, newest first (without their bodies)',
      querystring: ListOutboxQuery,
      response: { 200: OutboxList, ...problems(400, 401, 403) },
    },
    handler: (req) => service.list(req.query),
  });

  app.get('/api/admin/outbox/:id', {
    config: admin,
    schema: {
      tags,
      security,
      summary: 'One e-mail of the outbox with its text and HTML parts',
      params: OutboxIdParams,
      response: { 200: OutboxMessage, ...problems(400, 401, 403, 404) },
    },
    handler: (req) => service.get(req.params.id),
  });

  app.post('/api/admin/outbox/:id/retry', {
    config: admin,
    schema: {
      tags,
      security,
      summary: 'Queue a failed e-mail again (attempts from 0); 409 unless it is failed',
      params: OutboxIdParams,
      response: { 200: OutboxItem, ...problems(400, 401, 403, 404, 409) },
    },
    handler: (req) => service.retry(req.params.id),
  });
}
