import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { currentUser, problems } from '../../../shared/http/index.ts';
import { DeliveriesQuery, DeliveryList, RotatedSecretView, WebhookIdParams } from './delivery.schemas.ts';
import type { DeliveryService } from './delivery.service.ts';

const tags = ['alerts'];
const security = [{ bearerAuth: [] }];

export function registerDeliveryRoutes(fastify: FastifyInstance, service: DeliveryService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/alerts/deliveries', {
    schema: {
      tags,
      security,
      summary: 'Deliveries of your alerts (admins: everyone’s), newest first, each with its attempts',
      querystring: DeliveriesQuery,
      response: { 200: DeliveryList, ...problems(400, 401, 404) },
    },
    handler: (req) => service.list(currentUser(req), req.query),
  });

  app.post('/api/alerts/webhooks/:id/rotate-secret', {
    schema: {
      tags,
      security,
      summary:
        'A new signing secret for a webhook endpoint (shown once; the previous one signs too for 24 h)',
      params: WebhookIdParams,
      response: { 200: RotatedSecretView, ...problems(400, 401, 404) },
    },
    handler: (req) => service.rotate(currentUser(req), req.params.id),
  });
}
