import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { MonitoringInstancesTable } from '../../shared/db/schema.ts';
import type { HealthStatus } from '../../shared/events/index.ts';
import { decodeCursor, encodeCursor } from '../../shared/http/index.ts';

export type InstanceRow = Selectable<MonitoringInstancesTable>;

const iso = (ms: number) => new Date(ms).toISOString();

/** Instance ids are `hostname:pid:random`. */
const INSTANCE_ID = /^[\w.:-]{1,300}$/;

/** SQL of monitoring_instances and monitoring_status. */
export function createInstancesRepository(db: Kysely<DB>) {
  return {
    /** Newest first (by start, then id); `cursor` is the previous page's nextCursor. */
    async list(limit: number, cursor?: string): Promise<{ items: InstanceRow[]; nextCursor: string | null }> {
      const after = cursor ? decodeCursor(cursor, INSTANCE_ID) : undefined;
      let q = db.selectFrom('monitoring_instances').selectAll();
      if (after) q = q.where(sql<boolean>`(started_at, id) < (${after[0]}::timestamptz, ${after[1]})`);
      const rows = await q
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      // started_at is written from a JavaScript Date: millisecond precision, exact in ISO form.
      const next = last ? encodeCursor(new Date(last.started_at).toISOString(), last.id) : null;
      return { items, nextCursor: rows.length > limit ? next : null };
    },

    /** Every instance seen since `sinceMs` (the overview's view; bounded). */
    seenSince: (sinceMs: number) =>
      db
        .selectFrom('monitoring_instances')
        .selectAll()
        .where('last_heartbeat', '>=', new Date(sinceMs))
        .orderBy('started_at', 'desc')
        .limit(1000)
        .execute(),

    /** A graceful shutdown: the instance is shown as stopped, not as down. */
    async markStopped(id: string, atMs: number): Promise<void> {
      await db
        .updateTable('monitoring_instances')
        .set({ stopped_at: iso(atMs) })
        .where('id', '=', id)
        .execute();
    },

    /** Forgets up to `batch` instances silent since before `beforeMs`; returns how many. */
    async prune(beforeMs: number, batch: number, trx: Kysely<DB> = db): Promise<number> {
      const result = await sql`
        DELETE FROM monitoring_instances WHERE id IN (
          SELECT id FROM monitoring_instances WHERE last_heartbeat < ${iso(beforeMs)}::timestamptz
          ORDER BY last_heartbeat LIMIT ${batch})`.execute(trx);
      return Number(result.numAffectedRows ?? 0);
    },

    /**
     * Compare-and-set of the overall status: the previous status when this call changed it, null when it
     * already was `status` (another process noticed first, or nothing changed).
     */
    async changeStatus(status: HealthStatus, atMs: number): Promise<string | null> {
      const { rows } = await sql<{ previous: string }>`
        UPDATE monitoring_status SET previous = status, status = ${status}, changed_at = ${iso(atMs)}::timestamptz
        WHERE id = 1 AND status <> ${status} RETURNING previous`.execute(db);
      return rows[0]?.previous ?? null;
    },

    /**
     * Runs `work` in a transaction holding the maintenance lock; skipped (false) while another process holds
     * it. `work` must run its statements on the transaction it is given (PGlite has one connection).
     */
    async exclusively(work: (trx: Kysely<DB>) => Promise<void>): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ locked: boolean }>`
          SELECT pg_try_advisory_xact_lock(${MAINTENANCE_LOCK}) AS locked`.execute(trx);
        if (!rows[0]?.locked) return false;
        await work(trx);
        return true;
      });
    },
  };
}

const MAINTENANCE_LOCK = 7_301_011;

export type InstancesRepository = ReturnType<typeof createInstancesRepository>;
