import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { AlertHistoryTable } from '../../shared/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../shared/http/index.ts';
import type { Viewer } from './alert-rule.repository.ts';

export type HistoryRow = Selectable<AlertHistoryTable>;

export interface HistoryFilter {
  ruleId?: string;
  state?: 'firing' | 'resolved';
  severity?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/** Owner-scoped SQL on alert_history: another user's alert is simply not found (admins see all). */
export function createAlertHistoryRepository(db: Kysely<DB>) {
  const scoped = (viewer: Viewer) =>
    db
      .selectFrom('alert_history')
      .selectAll()
      .$if(viewer.role !== 'admin', (q) => q.where('user_id', '=', viewer.id));

  return {
    async list(
      viewer: Viewer,
      f: HistoryFilter,
    ): Promise<{ items: HistoryRow[]; nextCursor: string | null }> {
      const after = f.cursor ? decodeCursor(f.cursor) : undefined;
      const rows = (await scoped(viewer)
        .select(sql<string>`triggered_at::text`.as('cursor_at'))
        .$if(!!f.ruleId, (q) => q.where('rule_id', '=', f.ruleId!))
        .$if(!!f.state, (q) => q.where('state', '=', f.state!))
        .$if(!!f.severity, (q) => q.where('severity', '=', f.severity as HistoryRow['severity']))
        .$if(!!f.from, (q) => q.where('triggered_at', '>=', new Date(f.from!)))
        .$if(!!f.to, (q) => q.where('triggered_at', '<', new Date(f.to!)))
        .$if(!!after, (q) =>
          q.where(sql<boolean>`(triggered_at, id) < (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('triggered_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.limit + 1)
        .execute()) as Array<HistoryRow & { cursor_at: string }>;
      const items = rows.slice(0, f.limit);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor: rows.length > f.limit && last ? encodeCursor(last.cursor_at, last.id) : null,
      };
    },

    getById(viewer: Viewer, id: string): Promise<HistoryRow | undefined> {
      return scoped(viewer).where('id', '=', id).executeTakeFirst();
    },

    /** Records the first acknowledgement only; undefined when the alert is not the viewer's or was acknowledged. */
    acknowledge(viewer: Viewer, id: string, at: Date): Promise<HistoryRow | undefined> {
      return db
        .updateTable('alert_history')
        .set({ acknowledged_at: at, acknowledged_by: viewer.id })
        .where('id', '=', id)
        .where('acknowledged_at', 'is', null)
        .$if(viewer.role !== 'admin', (q) => q.where('user_id', '=', viewer.id))
        .returningAll()
        .executeTakeFirst();
    },

    /** Deletes resolved alerts resolved before `before` (their deliveries cascade). */
    async prune(before: Date): Promise<number> {
      const r = await db.deleteFrom('alert_history').where('resolved_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type AlertHistoryRepository = ReturnType<typeof createAlertHistoryRepository>;
