import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB } from '../../shared/db/index.ts';
import { currentUser, NotFoundError, problems, Uuid } from '../../shared/http/index.ts';
import type { LiveSeries } from './live-series.ts';
import { TestStatusName } from './tests.schemas.ts';
import { createLiveRepository } from './live.repository.ts';

export const TestLiveView = Type.Object({
  testId: Uuid,
  status: TestStatusName,
  queuePosition: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description:
      'While queued: how many queued tests run before it (higher priority first, then older), 0 = next; null otherwise',
  }),
  points: Type.Array(
    Type.Object({
      at: Type.Integer({ description: 'When the point was reported, ms since the epoch' }),
      metrics: Type.Record(Type.String(), Type.Number()),
    }),
    {
      description:
        'Per-second points of the running (or just finished) attempt, as test.progress carried them: for engines that stream live (stress), at most 3600, oldest first',
    },
  ),
});
export type TestLiveView = Static<typeof TestLiveView>;

export function registerLiveRoutes(fastify: FastifyInstance, db: Kysely<DB>, live: LiveSeries): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const repo = createLiveRepository(db);

  app.get('/api/tests/:testId/live', {
    schema: {
      tags: ['tests'],
      security: [{ bearerAuth: [] }],
      summary: "A test's queue position while queued and its per-second points while running",
      description:
        "For a dashboard opened mid-run: draw `points`, then follow `test.progress` on stress-test-{testId} (docs/WEBSOCKET_GUIDE.md). After completion the result's `details.series` is the stored series.",
      params: Type.Object({ testId: Uuid }),
      response: { 200: TestLiveView, ...problems(400, 401, 404) },
    },
    handler: async (req): Promise<TestLiveView> => {
      const { testId } = req.params;
      const row = await repo.find(currentUser(req), testId);
      if (!row) throw new NotFoundError(`No test ${testId}`);
      return {
        testId,
        status: row.status,
        queuePosition: row.ahead === null ? null : Number(row.ahead),
        points: live.points(testId),
      };
    },
  });
}
