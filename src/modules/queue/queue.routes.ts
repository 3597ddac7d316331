import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { currentUser, problems } from '../../shared/http/index.ts';
import type { QueueService } from './queue.service.ts';
import { JobIdParams, JobList, JobView, ListJobsQuery, QueueStatus } from './queue.schemas.ts';

const tags = ['queue'];
const security = [{ bearerAuth: [] }];

export function registerQueueRoutes(fastify: FastifyInstance, service: QueueService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/queue/status', {
    schema: { tags, security, summary: 'Tests per state, workers online, throughput and timings of the last minute', response: { 200: QueueStatus, ...problems(401, 503) } },
    handler: () => service.status(),
  });

  app.get('/api/queue/jobs', {
    schema: { tags, security, summary: 'Your jobs, newest first (all jobs for admins)', querystring: ListJobsQuery, response: { 200: JobList, ...problems(400, 401) } },
    handler: (req) => service.list(currentUser(req), req.query),
  });

  app.post('/api/queue/jobs/:id/cancel', {
    schema: { tags, security, summary: 'Cancel a queued or running test', params: JobIdParams, response: { 200: JobView, ...problems(400, 401, 404, 409) } },
    handler: (req) => service.cancel(currentUser(req), req.params.id),
  });

  app.post('/api/queue/jobs/:id/retry', {
    schema: { tags, security, summary: 'Run a failed or cancelled test again', params: JobIdParams, response: { 200: JobView, ...problems(400, 401, 404, 409, 429, 503) } },
    handler: (req) => service.retry(currentUser(req), req.params.id),
  });
}
