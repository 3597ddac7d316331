import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { currentUser, problems } from '../../shared/http/index.ts';
import type { QuotaService } from './quota.service.ts';
import { AdminQuotaView, OwnQuotaView, SetQuotaBody, UserIdParams } from './quota.schemas.ts';

const security = [{ bearerAuth: [] }];
const admin = { auth: 'admin' as const };

/** The daily test quota: your own at /api/tests/quota, anyone's for admins. */
export function registerQuotaRoutes(fastify: FastifyInstance, service: QuotaService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // A static path, which the router prefers to /api/tests/:testId.
  app.get('/api/tests/quota', {
    schema: {
      tags: ['tests'],
      security,
      summary: 'Your daily test quota: how many tests you may still submit today (UTC)',
      response: { 200: OwnQuotaView, ...problems(401) },
    },
    handler: (req) => service.own(currentUser(req).id),
  });

  app.get('/api/admin/users/:userId/quota', {
    config: admin,
    schema: {
      tags: ['admin'],
      security,
      summary: "A user's daily test quota and today's usage",
      params: UserIdParams,
      response: { 200: AdminQuotaView, ...problems(400, 401, 403, 404) },
    },
    handler: (req) => service.get(req.params.userId),
  });

  app.put('/api/admin/users/:userId/quota', {
    config: admin,
    schema: {
      tags: ['admin'],
      security,
      summary: "Set a user's daily test quota (null: back to the default)",
      params: UserIdParams,
      body: SetQuotaBody,
      response: { 200: AdminQuotaView, ...problems(400, 401, 403, 404) },
    },
    handler: (req) => service.set(req.params.userId, req.body.dailyTestQuota),
  });
}
