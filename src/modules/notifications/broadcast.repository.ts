import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import type { NotificationBroadcastsTable } from '../../shared/db/schema.ts';

export type BroadcastRow = Selectable<NotificationBroadcastsTable>;

export interface NewBroadcast {
  createdBy: string;
  title: string;
  content: string | null;
  actionUrl: string | null;
}

/**
 * SQL on notification_broadcasts. A process holds a broadcast by its lease (`locked_by`, `lease_until`);
 * every batch's commit moves the cursor only while the lease is still its own, so two processes never
 * fan out the same batch.
 */
export function createBroadcastRepository(db: Kysely<DB>) {
  return {
    create(b: NewBroadcast): Promise<BroadcastRow> {
      return db
        .insertInto('notification_broadcasts')
        .values({ created_by: b.createdBy, title: b.title, content: b.content, action_url: b.actionUrl })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    get(id: string): Promise<BroadcastRow | undefined> {
      return db.selectFrom('notification_broadcasts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** The oldest open broadcast that is pending, already ours, or whose holder's lease ran out. */
    async claim(instanceId: string, leaseMs: number): Promise<BroadcastRow | undefined> {
      const { rows } = await sql<BroadcastRow>`
        UPDATE notification_broadcasts SET status = 'running', locked_by = ${instanceId},
          lease_until = now() + ${leaseMs} * interval '1 millisecond', started_at = coalesce(started_at, now())
        WHERE id = (
          SELECT id FROM notification_broadcasts
           WHERE status IN ('pending', 'running')
             AND (status = 'pending' OR lease_until IS NULL OR lease_until < now() OR locked_by = ${instanceId})
           ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING *`.execute(db);
      return rows[0];
    },

    /** Moves the cursor past a committed batch and renews the lease; false when the lease is no longer ours. */
    async advance(
      trx: Kysely<DB>,
      id: string,
      instanceId: string,
      cursor: string,
      reached: number,
      leaseMs: number,
    ): Promise<boolean> {
      const result = await trx
        .updateTable('notification_broadcasts')
        .set({
          cursor_user_id: cursor,
          delivered: sql`delivered + ${reached}`,
          lease_until: sql`now() + ${leaseMs} * interval '1 millisecond'`,
        })
        .where('id', '=', id)
        .where('locked_by', '=', instanceId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async finish(id: string, instanceId: string, error: string | null = null): Promise<void> {
      await db
        .updateTable('notification_broadcasts')
        .set({
          status: error ? 'failed' : 'completed',
          error,
          completed_at: sql`now()`,
          locked_by: null,
          lease_until: null,
        })
        .where('id', '=', id)
        .where('locked_by', '=', instanceId)
        .execute();
    },

    /** Keeps the lease but notes why the last batch failed (it is tried again). */
    async noteError(id: string, instanceId: string, error: string): Promise<void> {
      await db
        .updateTable('notification_broadcasts')
        .set({ error })
        .where('id', '=', id)
        .where('locked_by', '=', instanceId)
        .execute();
    },
  };
}

export type BroadcastRepository = ReturnType<typeof createBroadcastRepository>;
