import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { currentUser, problems, UnauthorizedError } from '../../shared/http/index.ts';
import type { ArtifactsService } from './artifacts.service.ts';
import { ArtifactLinkQuery, ArtifactList, ArtifactParams } from './artifacts.schemas.ts';
import { TestIdParams } from './tests.schemas.ts';

const tags = ['tests'];

/** GET /api/tests/:testId/artifacts and the files themselves (docs/ARTIFACTS.md). Never response-cached. */
export function registerArtifactsRoutes(fastify: FastifyInstance, service: ArtifactsService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/tests/:testId/artifacts', {
    schema: {
      tags,
      security: [{ bearerAuth: [] }],
      summary: "A test's files: reports, screenshots, frames",
      description:
        'Each with a signed `url` valid for ARTIFACT_LINK_TTL (15 min by default), which needs no Authorization header: for `<img src>` and reports opened in a new tab. Empty until the test completed; files of old tests go when the store is full (ARTIFACTS_MAX_TOTAL_BYTES).',
      params: TestIdParams,
      response: { 200: ArtifactList, ...problems(400, 401, 404) },
    },
    handler: (req) => service.list(currentUser(req), req.params.testId),
  });

  app.get('/api/tests/:testId/artifacts/:name', {
    // Signed links carry no Authorization header: the guard lets the request through without one and still
    // checks one that is sent; the service accepts either the sign-in (owner-scoped) or the signature.
    config: { auth: 'optional' },
    // Neither credential: a 401 before validation, as on every private route (no 400 telling a stranger
    // which names are well-formed).
    onRequest: async (req) => {
      const q = req.query as Record<string, unknown>;
      if (!req.headers.authorization && q.sig === undefined && q.expires === undefined)
        throw new UnauthorizedError(
          'Send Authorization: Bearer <access token>, or use a signed link from the artifacts list',
        );
    },
    schema: {
      tags,
      security: [{ bearerAuth: [] }, {}],
      summary: 'Download one file of a test',
      description:
        "With a Bearer token (the test's owner; API tokens need tests:read), or with `expires` and `sig` from the list's `url` and no Authorization header. Text files are stored gzipped and sent with `Content-Encoding: gzip` when Accept-Encoding allows it. Every file is sent with a sandboxing Content-Security-Policy (an HTML report runs in an opaque origin).",
      params: ArtifactParams,
      querystring: ArtifactLinkQuery,
      response: {
        200: {
          description: 'The file, with its stored Content-Type',
          content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
        },
        304: { description: 'Not modified (If-None-Match)', type: 'null' },
        ...problems(400, 401, 404),
      },
    },
    handler: async (req, reply) => {
      const { testId, name } = req.params;
      const out = await service.download(req.user, testId, name, {
        ...req.query,
        acceptEncoding: req.headers['accept-encoding'],
        ifNoneMatch: req.headers['if-none-match'],
      });
      // A Buffer is sent as is (never serialized); the schema's `binary` string only documents it.
      return reply
        .status(out.status)
        .headers(out.headers)
        .send(out.body as unknown as string);
    },
  });
}
