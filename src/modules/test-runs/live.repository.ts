import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { Static } from 'typebox';
import type { TestStatusName } from './tests.schemas.ts';
import type { Viewer } from './test.repository.ts';

/**
 * The test's place in the queue (the dispatch order of claimNext: priority DESC, created_at, test_id)
 * and its live points; owner-scoped like every test route.
 */
export function createLiveRepository(db: Kysely<DB>) {
  return {
    async find(viewer: Viewer, testId: string) {
      const { rows } = await sql<{ status: Static<typeof TestStatusName>; ahead: number | null }>`
        SELECT t.status,
          CASE WHEN t.status = 'queued' THEN (
            SELECT count(*)::int FROM test_queue o
            WHERE o.status = 'queued' AND o.test_id <> t.test_id
              AND (o.priority > t.priority
                OR (o.priority = t.priority AND (o.created_at < t.created_at
                  OR (o.created_at = t.created_at AND o.test_id < t.test_id))))
          ) END AS ahead
        FROM test_queue t
        WHERE t.test_id = ${testId}
          ${viewer.role === 'admin' ? sql`` : sql`AND t.user_id = ${viewer.id}`}`.execute(db);
      return rows[0];
    },
  };
}
