import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, NotificationType } from '../../shared/db/index.ts';
import type { NotificationsTable } from '../../shared/db/schema.ts';
import type { NotificationPayload } from '../../shared/events/index.ts';
import { decodeCursor, encodeCursor } from '../../shared/http/index.ts';

export type NotificationRow = Selectable<NotificationsTable>;

export interface NewNotification {
  userId: string;
  type: NotificationType;
  title: string;
  content: string | null;
  data: Record<string, unknown> | null;
  actionUrl: string | null;
  dedupeKey: string;
}

export interface ListFilter {
  limit: number;
  cursor?: string;
  unread?: boolean;
  type?: NotificationType;
}

export function toPayload(r: NotificationRow): NotificationPayload {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    content: r.content,
    data: r.data,
    actionUrl: r.action_url,
    read: r.is_read,
    createdAt: new Date(r.created_at).toISOString(),
    readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
  };
}

/**
 * Written as the partial index's own predicate, not `is_read = $1`: a parameter would leave the planner
 * unable to prove a generic plan may use notifications_user_unread_idx.
 */
const UNREAD = sql<boolean>`NOT is_read`;

/**
 * All SQL on notifications (and the sources' dedupe keys). Reads and writes of a user's rows take the
 * user id, so another user's notification is simply not found. The inbox and the unread count run on
 * the (user_id, created_at DESC, id DESC) indexes of migration 005; see docs/NOTIFICATIONS.md.
 */
export function createNotificationRepository(db: Kysely<DB>) {
  const mine = (userId: string) => db.selectFrom('notifications').where('user_id', '=', userId);
  const markRead = (userId: string) =>
    db
      .updateTable('notifications')
      .set({ is_read: true, read_at: sql`now()` })
      .where('user_id', '=', userId)
      .where(UNREAD);

  return {
    /** Claims a source's key for a user; false when it was claimed before (a duplicated event). */
    async claimKey(trx: Kysely<DB>, userId: string, key: string): Promise<boolean> {
      const claimed = await trx
        .insertInto('notification_dedupe')
        .values({ user_id: userId, dedupe_key: key })
        .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
        .returning('user_id')
        .executeTakeFirst();
      return claimed !== undefined;
    },

    async insert(trx: Kysely<DB>, n: NewNotification): Promise<NotificationRow | undefined> {
      return trx
        .insertInto('notifications')
        .values({
          user_id: n.userId,
          type: n.type,
          title: n.title,
          content: n.content,
          data: n.data === null ? null : JSON.stringify(n.data),
          action_url: n.actionUrl,
          dedupe_key: n.dedupeKey,
        })
        .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    /** One broadcast batch in one statement; users who already have it (same key) are skipped. */
    async insertForUsers(
      trx: Kysely<DB>,
      userIds: string[],
      n: Omit<NewNotification, 'userId'>,
    ): Promise<NotificationRow[]> {
      if (!userIds.length) return [];
      const data = n.data === null ? null : JSON.stringify(n.data);
      const { rows } = await sql<NotificationRow>`
        INSERT INTO notifications (user_id, type, title, content, data, action_url, dedupe_key)
        SELECT u.id, ${n.type}, ${n.title}, ${n.content}, ${data}::jsonb, ${n.actionUrl}, ${n.dedupeKey}
          FROM unnest(${userIds}::uuid[]) AS u(id)
        ON CONFLICT (user_id, dedupe_key) DO NOTHING
        RETURNING *`.execute(trx);
      return rows;
    },

    async list(userId: string, f: ListFilter): Promise<{ items: NotificationRow[]; nextCursor?: string }> {
      const after = f.cursor ? decodeCursor(f.cursor) : undefined;
      const rows = await mine(userId)
        .selectAll()
        .select(sql<string>`created_at::text`.as('cursor_at'))
        .$if(f.unread === true, (q) => q.where(UNREAD))
        .$if(!!f.type, (q) => q.where('type', '=', f.type!))
        .$if(!!after, (q) =>
          q.where(sql<boolean>`(created_at, id) < (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.limit + 1)
        .execute();
      const more = rows.length > f.limit;
      const items = more ? rows.slice(0, f.limit) : rows;
      const last = items.at(-1);
      return more && last ? { items, nextCursor: encodeCursor(last.cursor_at, last.id) } : { items };
    },

    /** The counter the triggers of migration 005 keep in step with every change (a primary-key read). */
    async unreadCount(userId: string): Promise<number> {
      const row = await db
        .selectFrom('notification_unread_counts')
        .select('unread')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row?.unread ?? 0;
    },

    /** Unread counts of several users in one query (users without a counter are absent). */
    async unreadCounts(userIds: string[]): Promise<Map<string, number>> {
      if (!userIds.length) return new Map();
      const rows = await db
        .selectFrom('notification_unread_counts')
        .select(['user_id', 'unread'])
        .where('user_id', 'in', userIds)
        .execute();
      return new Map(rows.map((r) => [r.user_id, r.unread]));
    },

    get(userId: string, id: string): Promise<NotificationRow | undefined> {
      return mine(userId).selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Marks one unread notification read; undefined when it is not this user's or was read already. */
    markRead(userId: string, id: string): Promise<NotificationRow | undefined> {
      return markRead(userId).where('id', '=', id).returningAll().executeTakeFirst();
    },

    async markAllRead(userId: string): Promise<number> {
      const result = await markRead(userId).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async markManyRead(userId: string, ids: string[]): Promise<number> {
      const result = await markRead(userId).where('id', 'in', ids).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /** Deletes one; undefined when it is not this user's. Says whether it was unread. */
    delete(userId: string, id: string): Promise<{ is_read: boolean } | undefined> {
      return db
        .deleteFrom('notifications')
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .returning('is_read')
        .executeTakeFirst();
    },

    /** Deletes up to `limit` notifications created before `cutoff`; returns whose unread ones went. */
    async deleteOlderThan(cutoff: Date, limit: number): Promise<{ deleted: number; unreadOf: string[] }> {
      const { rows } = await sql<{ user_id: string; is_read: boolean }>`
        DELETE FROM notifications WHERE id IN (
          SELECT id FROM notifications WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${limit})
        RETURNING user_id, is_read`.execute(db);
      const unreadOf = [...new Set(rows.filter((r) => !r.is_read).map((r) => r.user_id))];
      return { deleted: rows.length, unreadOf };
    },

    async deleteKeysOlderThan(cutoff: Date, limit: number): Promise<number> {
      const { rows } = await sql`
        DELETE FROM notification_dedupe WHERE (user_id, dedupe_key) IN (
          SELECT user_id, dedupe_key FROM notification_dedupe WHERE created_at < ${cutoff}
           ORDER BY created_at LIMIT ${limit})
        RETURNING 1`.execute(db);
      return rows.length;
    },
  };
}

export type NotificationRepository = ReturnType<typeof createNotificationRepository>;
