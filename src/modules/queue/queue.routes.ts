import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problems } from '../../shared/http/index.ts';
import type { QueueService } from './queue.service.ts';
import { QueueStatus } from './queue.schemas.ts';

const tags = ['queue'];
const security = [{ bearerAuth: [] }];

export function registerQueueRoutes(fastify: FastifyInstance, service: QueueService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/queue/status', {
    schema: {
      tags,
      security,
      summary: 'Tests per state, workers online, throughput and timings of the last minute',
      response: { 200: QueueStatus, ...problems(401, 503) },
    },
    handler: () => service.status(),
  });
}
