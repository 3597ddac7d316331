import type { Kysely } from 'kysely';
import type { DB, NotificationType, UserLocale } from '../../shared/db/index.ts';
import type { EventBus, NotificationPayload } from '../../shared/events/index.ts';
import { NotFoundError } from '../../shared/http/index.ts';
import { fit, type MessageText } from './messages.ts';
import { toPayload, type NotificationRepository, type NotificationRow } from './notification.repository.ts';
import type { EmailPort, UserDirectory } from './ports.ts';
import type { PreferencesPatch, PreferencesRepository } from './preferences.repository.ts';
import { channelsFor, resolvePreferences, type ChannelSwitches, type Preferences } from './preferences.ts';
import type { ListNotificationsQuery } from './notifications.schemas.ts';

interface Logger {
  warn(obj: object, msg: string): void;
}

export interface NotificationsServiceDeps {
  db: Kysely<DB>;
  notifications: NotificationRepository;
  preferences: PreferencesRepository;
  users: UserDirectory;
  email: EmailPort;
  events: EventBus;
  log: Logger;
}

/** What a source wants to tell a user; the text is rendered in the user's language. */
export interface Delivery {
  userId: string;
  type: NotificationType;
  /** Unique per source event and user: a second delivery of the same key does nothing. */
  dedupeKey: string;
  text: (locale: UserLocale) => MessageText;
  actionUrl: string | null;
  data: Record<string, unknown> | null;
  /** The source sends its own e-mail (alerts): store the in-app notification only. */
  inAppOnly?: boolean;
}

export type DeliveryResult = { notification: NotificationPayload | null; emailed: boolean } | null;

const notFound = () => new NotFoundError('No such notification');

export function createNotificationsService(deps: NotificationsServiceDeps) {
  const { notifications, preferences, events } = deps;

  /** Live: the new notification and the owner's unread count, from this process, after commit. */
  async function publishCreated(rows: NotificationRow[]): Promise<void> {
    for (const row of rows)
      await events.publish('NotificationCreated', { userId: row.user_id, notification: toPayload(row) });
  }

  async function publishCount(userId: string): Promise<void> {
    await events.publish('NotificationUnreadCount', {
      userId,
      count: await notifications.unreadCount(userId),
    });
  }

  /** One unread count per user of a batch, from one grouped query. */
  async function publishCounts(userIds: string[]): Promise<void> {
    const counts = await notifications.unreadCounts(userIds);
    for (const userId of userIds)
      await events.publish('NotificationUnreadCount', { userId, count: counts.get(userId) ?? 0 });
  }

  /**
   * The transactional outbox: the key claim, the in-app row and the e-mail's outbox row commit together
   * or not at all. Contact and preferences are read before the transaction opens: PGlite has one
   * connection, and a read outside the transaction would wait for it to end.
   */
  async function write(
    d: Delivery,
    channels: ChannelSwitches,
    contact: { email: string; locale: UserLocale },
  ): Promise<{ row: NotificationRow | undefined; emailed: boolean } | null> {
    const text = fit(d.text(contact.locale));
    return deps.db.transaction().execute(async (trx) => {
      if (!(await notifications.claimKey(trx, d.userId, d.dedupeKey))) return null;
      const row = channels.in_app
        ? await notifications.insert(trx, {
            userId: d.userId,
            type: d.type,
            ...text,
            data: d.data,
            actionUrl: d.actionUrl,
            dedupeKey: d.dedupeKey,
          })
        : undefined;
      if (channels.email)
        await deps.email.send(
          {
            to: contact.email,
            template: 'notification',
            data: { type: d.type, title: text.title, content: text.content, actionUrl: d.actionUrl },
            locale: contact.locale,
            userId: d.userId,
          },
          { db: trx },
        );
      return { row, emailed: channels.email };
    });
  }

  return {
    publishCreated,
    publishCounts,

    /**
     * Stores a source's notification on the channels the user's preferences enable. When the e-mail
     * cannot be queued (the e-mail service refused it), the in-app notification is still delivered,
     * without it: a broken mail path must not empty the inbox.
     */
    async deliver(d: Delivery): Promise<DeliveryResult> {
      const chosen = channelsFor(resolvePreferences(await preferences.get(d.userId)), d.type);
      const channels = d.inAppOnly ? { ...chosen, email: false } : chosen;
      if (!channels.in_app && !channels.email) return null;
      const contact = await deps.users.contactOf(d.userId);
      if (!contact) return null;
      let written;
      try {
        written = await write(d, channels, contact);
      } catch (err) {
        if (!channels.email || !channels.in_app) throw err;
        deps.log.warn({ err, userId: d.userId, type: d.type }, 'notification e-mail not queued; in-app only');
        written = await write(d, { in_app: true, email: false }, contact);
      }
      if (!written) return null;
      if (written.row) {
        await publishCreated([written.row]);
        await publishCount(d.userId);
      }
      return { notification: written.row ? toPayload(written.row) : null, emailed: written.emailed };
    },

    async list(userId: string, q: ListNotificationsQuery) {
      const page = await notifications.list(userId, {
        limit: q.limit ?? 20,
        cursor: q.cursor,
        unread: q.unread,
        type: q.type,
      });
      return { ...page, items: page.items.map(toPayload) };
    },

    async unreadCount(userId: string): Promise<{ count: number }> {
      return { count: await notifications.unreadCount(userId) };
    },

    async markRead(userId: string, id: string): Promise<NotificationPayload> {
      const updated = await notifications.markRead(userId, id);
      if (updated) {
        await publishCount(userId);
        return toPayload(updated);
      }
      // Not changed: read already (answered as it is) or not this user's.
      const row = await notifications.get(userId, id);
      if (!row) throw notFound();
      return toPayload(row);
    },

    async markAllRead(userId: string): Promise<{ updated: number }> {
      const updated = await notifications.markAllRead(userId);
      if (updated) await publishCount(userId);
      return { updated };
    },

    async markManyRead(userId: string, ids: string[]): Promise<{ updated: number }> {
      const updated = await notifications.markManyRead(userId, [...new Set(ids)]);
      if (updated) await publishCount(userId);
      return { updated };
    },

    async delete(userId: string, id: string): Promise<void> {
      const deleted = await notifications.delete(userId, id);
      if (!deleted) throw notFound();
      if (!deleted.is_read) await publishCount(userId);
    },

    async getPreferences(userId: string): Promise<Preferences> {
      return resolvePreferences(await preferences.get(userId));
    },

    async updatePreferences(userId: string, patch: PreferencesPatch): Promise<Preferences> {
      return resolvePreferences(await preferences.update(userId, patch));
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
