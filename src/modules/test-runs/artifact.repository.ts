import { sql, type Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { PreparedArtifact } from './artifact-prep.ts';
import type { Viewer } from './test.repository.ts';

/** An artifact as the list shows it (no bytes). */
export interface ArtifactMeta {
  name: string;
  content_type: string;
  label: string | null;
  size: number;
  created_at: Date;
}

/** An artifact with its stored bytes. */
export interface ArtifactFile extends ArtifactMeta {
  encoding: 'gzip' | 'identity';
  sha256: string;
  data: Buffer;
}

/** Serializes evictions across processes: two at once would each free the same excess. */
const EVICTION_LOCK = sql`pg_advisory_xact_lock(hashtext('testweb:test_artifacts:evict'))`;

/**
 * SQL of the artifacts store (test_artifacts). Reads are owner-scoped (admins see every test's, like the
 * tests routes); the signed-link read is the one exception and is reached only after its signature held.
 */
export function createArtifactRepository(db: Kysely<DB>) {
  return {
    /** A test's artifacts (replacing what an earlier completion stored), in `trx` with the completion. */
    async replace(trx: Kysely<DB>, testId: string, userId: string, files: PreparedArtifact[]) {
      await trx.deleteFrom('test_artifacts').where('test_id', '=', testId).execute();
      for (const f of files) {
        await trx
          .insertInto('test_artifacts')
          .values({
            test_id: testId,
            user_id: userId,
            name: f.name,
            content_type: f.contentType,
            label: f.label,
            encoding: f.encoding,
            size: f.size,
            stored_size: f.storedSize,
            sha256: f.sha256,
            data: f.data,
          })
          .execute();
      }
    },

    /**
     * Deletes the oldest tests' artifacts (whole tests, oldest stored first) until the store holds at most
     * `maxTotalBytes`, never `keepTestId`'s (just stored). Returns the tests whose files went.
     */
    async evict(maxTotalBytes: number, keepTestId: string): Promise<string[]> {
      return db.transaction().execute(async (trx) => {
        await sql`SELECT ${EVICTION_LOCK}`.execute(trx);
        const { rows } = await sql<{ test_id: string }>`
          WITH total AS (SELECT coalesce(sum(stored_size), 0)::float8 AS bytes FROM test_artifacts),
          per_test AS (
            SELECT test_id, sum(stored_size)::float8 AS bytes, min(created_at) AS stored_at
            FROM test_artifacts WHERE test_id <> ${keepTestId} GROUP BY test_id
          ),
          ranked AS (
            SELECT test_id, bytes, sum(bytes) OVER (ORDER BY stored_at, test_id) AS freed FROM per_test
          )
          DELETE FROM test_artifacts WHERE test_id IN (
            SELECT r.test_id FROM ranked r, total t WHERE r.freed - r.bytes < t.bytes - ${maxTotalBytes}::float8
          )
          RETURNING test_id`.execute(trx);
        return [...new Set(rows.map((r) => r.test_id))];
      });
    },

    /** The test's artifacts, or undefined when the viewer has no such test. */
    async list(viewer: Viewer, testId: string): Promise<ArtifactMeta[] | undefined> {
      const { rows } = await sql<ArtifactMeta & { name: string | null }>`
        SELECT a.name, a.content_type, a.label, a.size, a.created_at
        FROM test_queue t LEFT JOIN test_artifacts a ON a.test_id = t.test_id
        WHERE t.test_id = ${testId}
          ${viewer.role === 'admin' ? sql`` : sql`AND t.user_id = ${viewer.id}`}
        ORDER BY a.created_at, a.name`.execute(db);
      if (!rows.length) return undefined;
      return rows.filter((r): r is ArtifactMeta => r.name !== null);
    },

    /** One artifact with its bytes: the viewer's, or (viewer null) whoever's a valid signed link names. */
    async get(viewer: Viewer | null, testId: string, name: string): Promise<ArtifactFile | undefined> {
      return db
        .selectFrom('test_artifacts')
        .select(['name', 'content_type', 'label', 'size', 'created_at', 'encoding', 'sha256', 'data'])
        .where('test_id', '=', testId)
        .where('name', '=', name)
        .$if(viewer !== null && viewer.role !== 'admin', (q) => q.where('user_id', '=', viewer!.id))
        .executeTakeFirst();
    },
  };
}

export type ArtifactRepository = ReturnType<typeof createArtifactRepository>;
