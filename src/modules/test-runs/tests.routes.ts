import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { currentUser, problems } from '../../shared/http/index.ts';
import { cacheDirectives, cachedResponse, cacheTags } from '../cache/index.ts';
import type { TestsService } from './tests.service.ts';
import {
  CreateTestBody,
  ListTestsQuery,
  TestAccepted,
  TestIdParams,
  TestList,
  TestResultView,
  TestView,
} from './tests.schemas.ts';

const tags = ['tests'];
const security = [{ bearerAuth: [] }];

export function registerTestsRoutes(fastify: FastifyInstance, service: TestsService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/tests', {
    schema: {
      tags,
      security,
      summary: 'Queue a test',
      body: CreateTestBody,
      response: { 202: TestAccepted, ...problems(400, 401, 413, 415, 429) },
    },
    handler: async (req, reply) => reply.status(202).send(await service.create(currentUser(req), req.body)),
  });

  app.get('/api/tests', {
    // Cached per user and query (docs/CACHE_STRATEGY.md); the user's test events drop their lists.
    config: {
      responseCache: cachedResponse(fastify, { tags: (req) => [cacheTags.testList(currentUser(req))] }),
    },
    schema: {
      tags,
      security,
      summary: 'Your tests, newest first (all tests for admins)',
      querystring: ListTestsQuery,
      response: { 200: TestList, ...problems(400, 401) },
    },
    handler: (req) => service.list(currentUser(req), req.query),
  });

  app.get('/api/tests/:testId', {
    schema: {
      tags,
      security,
      summary: 'Status and progress of a test',
      params: TestIdParams,
      response: { 200: TestView, ...problems(400, 401, 404) },
    },
    handler: (req) => service.get(currentUser(req), req.params.testId),
  });

  app.get('/api/tests/:testId/result', {
    schema: {
      tags,
      security,
      summary: 'Result of a completed test (404 until it completed)',
      params: TestIdParams,
      response: { 200: TestResultView, ...problems(400, 401, 404) },
    },
    // Through the cache, the answer is the body the route's serializer made when it was read: sent as is.
    handler: async (req, reply) => {
      const answer = await service.getResult(
        currentUser(req),
        req.params.testId,
        (result) => reply.serialize(result) as string,
        cacheDirectives(req.headers),
      );
      if (answer.hit === null) return answer.result;
      return (
        reply
          .header('x-cache', answer.hit ? 'HIT' : 'MISS')
          .type('application/json; charset=utf-8')
          // Already the serialized TestResultView: a string with a content type is sent unchanged.
          .send(answer.body as unknown as TestResultView)
      );
    },
  });
}
