import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError, currentUser, problems, Uuid } from '../../../shared/http/index.ts';
import type { ApiTokenService } from './api-token.service.ts';
import { ApiTokenList, CreateApiTokenBody, CreatedApiToken } from './api-token.schemas.ts';

const tags = ['auth'];

/** /api/auth/tokens: personal API tokens (docs/API_TOKENS.md). API tokens themselves cannot call these. */
export function registerApiTokenRoutes(fastify: FastifyInstance, service: ApiTokenService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/auth/tokens', {
    schema: {
      tags,
      summary: 'Create a personal API token (`tw_…`, shown once)',
      body: CreateApiTokenBody,
      response: { 201: CreatedApiToken, ...problems(400, 401, 403, 409, 413, 415) },
    },
    handler: async (req, reply) =>
      reply
        .header('cache-control', 'no-store')
        .status(201)
        .send(await service.create(currentUser(req), req.body)),
  });

  app.get('/api/auth/tokens', {
    schema: {
      tags,
      summary: 'Your live API tokens (never the tokens themselves)',
      response: { 200: ApiTokenList, ...problems(401, 403) },
    },
    handler: async (req) => ({ items: await service.list(currentUser(req).id) }),
  });

  app.delete('/api/auth/tokens/current', {
    schema: {
      tags,
      summary: 'Revoke the API token this request is made with (testweb logout)',
      response: { 204: Type.Null(), ...problems(401, 404) },
    },
    handler: async (req, reply) => {
      const user = currentUser(req);
      if (!user.apiToken) throw new NotFoundError('This request is not made with an API token');
      await service.revoke(user.id, user.apiToken.id);
      return reply.status(204).send(null);
    },
  });

  app.delete('/api/auth/tokens/:id', {
    schema: {
      tags,
      summary: 'Revoke an API token (it stops working at once)',
      params: Type.Object({ id: Uuid }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
    },
    handler: async (req, reply) => {
      await service.revoke(currentUser(req).id, req.params.id);
      return reply.status(204).send(null);
    },
  });
}
