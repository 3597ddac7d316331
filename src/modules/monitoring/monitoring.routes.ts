import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problems } from '../../shared/http/index.ts';
import type { MonitoringService } from './monitoring.service.ts';
import { InstanceList, InstancesQuery, Overview, Series, SeriesQuery } from './monitoring.schemas.ts';

const tags = ['monitoring'];
const admin = { auth: 'admin' as const };
const security = [{ bearerAuth: [] }];

export function registerMonitoringRoutes(fastify: FastifyInstance, service: MonitoringService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/monitoring/overview', {
    config: admin,
    schema: {
      tags,
      security,
      summary: 'The platform now: instances, queue, API latency, errors, cache, WebSocket, database, Redis',
      response: { 200: Overview, ...problems(401, 403) },
    },
    handler: () => service.overview(),
  });

  app.get('/api/monitoring/series', {
    config: admin,
    schema: {
      tags,
      security,
      summary: 'One figure of the platform samples over time (at most 1,000 points)',
      querystring: SeriesQuery,
      response: { 200: Series, ...problems(400, 401, 403) },
    },
    handler: (req) => service.series(req.query),
  });

  app.get('/api/monitoring/instances', {
    config: admin,
    schema: {
      tags,
      security,
      summary: 'API and worker processes with their heartbeats, newest first',
      querystring: InstancesQuery,
      response: { 200: InstanceList, ...problems(400, 401, 403) },
    },
    handler: (req) => service.instances(req.query),
  });
}
