import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { currentUser, problems } from '../../shared/http/index.ts';
import type { JobsService } from './jobs.service.ts';
import { JobIdParams, JobList, JobView, ListJobsQuery } from './tests.schemas.ts';

const tags = ['queue'];
const security = [{ bearerAuth: [] }];

/** /api/queue/jobs: tests seen as queue jobs (the queue module serves /api/queue/status). */
export function registerJobsRoutes(fastify: FastifyInstance, service: JobsService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/queue/jobs', {
    schema: {
      tags,
      security,
      summary: 'Your jobs, newest first (all jobs for admins)',
      querystring: ListJobsQuery,
      response: { 200: JobList, ...problems(400, 401) },
    },
    handler: (req) => service.list(currentUser(req), req.query),
  });

  app.post('/api/queue/jobs/:id/cancel', {
    schema: {
      tags,
      security,
      summary: 'Cancel a queued or running test',
      params: JobIdParams,
      response: { 200: JobView, ...problems(400, 401, 404, 409) },
    },
    handler: (req) => service.cancel(currentUser(req), req.params.id),
  });

  app.post('/api/queue/jobs/:id/retry', {
    schema: {
      tags,
      security,
      summary: 'Run a failed or cancelled test again',
      params: JobIdParams,
      response: { 200: JobView, ...problems(400, 401, 404, 409, 429, 503) },
    },
    handler: (req) => service.retry(currentUser(req), req.params.id),
  });
}
