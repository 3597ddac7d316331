import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';

/** Where a periodic job's walk stopped (the retention's position over results). */
export interface MaintenanceCursor {
  at: string;
  id: string;
}

/** SQL on schedule_maintenance: periodic jobs claimed like ticks, one process per due time. */
export function createMaintenanceRepository(db: Kysely<DB>) {
  return {
    /**
     * Claims job `name` when it is due at `now`, moving it to `next`: only the process whose UPDATE
     * matched runs it. Returns the job's cursor, or undefined when it is not due (or another took it).
     */
    async claim(
      name: string,
      now: Date,
      next: Date,
    ): Promise<{ cursor: MaintenanceCursor | null } | undefined> {
      const row = await db
        .updateTable('schedule_maintenance')
        .set({ next_at: next })
        .where('name', '=', name)
        .where('next_at', '<=', now)
        .returning(['cursor_at', 'cursor_id'])
        .executeTakeFirst();
      if (!row) return undefined;
      return { cursor: row.cursor_at && row.cursor_id ? { at: row.cursor_at, id: row.cursor_id } : null };
    },

    async saveCursor(name: string, cursor: MaintenanceCursor): Promise<void> {
      await db
        .updateTable('schedule_maintenance')
        .set({ cursor_at: cursor.at, cursor_id: cursor.id })
        .where('name', '=', name)
        .execute();
    },
  };
}

export type MaintenanceRepository = ReturnType<typeof createMaintenanceRepository>;
