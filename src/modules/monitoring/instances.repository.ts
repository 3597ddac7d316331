import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { MonitoringInstancesTable } from '../../shared/db/schema.ts';
import type { HealthStatus } from '../../shared/events/index.ts';
import { ValidationError } from '../../shared/http/index.ts';

export type InstanceRow = Selectable<MonitoringInstancesTable>;

const iso = (ms: number) => new Date(ms).toISOString();

function encodeCursor(row: InstanceRow): string {
  return Buffer.from(JSON.stringify([new Date(row.started_at).toISOString(), row.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[1] === 'string' &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0]))
    )
      return [value[0], value[1]];
  } catch {
    // answered below
  }
  throw new ValidationError('cursor is not a cursor this API returned', [
    { field: '/querystring/cursor', message: 'is invalid' },
  ]);
}

/** SQL of monitoring_instances and monitoring_status. */
export function createInstancesRepository(db: Kysely<DB>) {
  return {
    /** Newest first (by start, then id); `cursor` is the previous page's nextCursor. */
    async list(limit: number, cursor?: string): Promise<{ items: InstanceRow[]; nextCursor: string | null }> {
      const after = cursor ? decodeCursor(cursor) : undefined;
      let q = db.selectFrom('monitoring_instances').selectAll();
      if (after) q = q.where(sql<boolean>`(started_at, id) < (${after[0]}::timestamptz, ${after[1]})`);
      const rows = await q
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
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
