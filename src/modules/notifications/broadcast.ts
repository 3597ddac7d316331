import type { Kysely } from 'kysely';
import type { DB, UserLocale } from '../../shared/db/index.ts';
import { NotFoundError } from '../../shared/http/index.ts';
import type { BroadcastRepository, BroadcastRow } from './broadcast.repository.ts';
import type { NotificationRepository, NotificationRow } from './notification.repository.ts';
import type { BroadcastBody, BroadcastView } from './notifications.schemas.ts';
import type { NotificationsService } from './notifications.service.ts';
import type { EmailPort, UserDirectory } from './ports.ts';
import type { PreferencesRepository } from './preferences.repository.ts';
import { channelsFor, resolvePreferences } from './preferences.ts';

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BroadcastDeps {
  db: Kysely<DB>;
  broadcasts: BroadcastRepository;
  notifications: NotificationRepository;
  preferences: PreferencesRepository;
  service: Pick<NotificationsService, 'publishCreated' | 'publishCounts'>;
  users: UserDirectory;
  email: EmailPort;
  instanceId: string;
  log: Logger;
  /** Users per batch (one INSERT each). */
  batchSize?: number;
  /** How long a process holds a broadcast without committing a batch before another may resume it. */
  leaseMs?: number;
  /** How often an idle process looks for a broadcast to resume. */
  pollMs?: number;
  /** Batches per turn of the loop before it yields (and goes on at once if there is more). */
  batchesPerTurn?: number;
  /** Consecutive failed batches before a broadcast is marked failed. */
  maxFailures?: number;
}

class LeaseLost extends Error {}

type Contact = { userId: string; email: string; locale: UserLocale };

const view = (b: BroadcastRow): BroadcastView => ({
  broadcastId: b.id,
  status: b.status,
  title: b.title,
  delivered: b.delivered,
  error: b.error,
  createdAt: new Date(b.created_at).toISOString(),
  startedAt: b.started_at ? new Date(b.started_at).toISOString() : null,
  completedAt: b.completed_at ? new Date(b.completed_at).toISOString() : null,
});

/**
 * The fan-out of admin broadcasts (`system_update`). A POST stores the broadcast and kicks the loop of
 * the process that received it; the loop claims the oldest open broadcast with a lease and walks every
 * user in id order, a batch at a time: one INSERT for the batch's in-app rows, the e-mails of those who
 * asked for system_update e-mail, and the cursor move, in one transaction fenced by the lease — so a
 * batch is delivered once, and a broadcast interrupted by a restart resumes after its last committed
 * batch (here, or in any process once the lease has run out).
 */
export function createBroadcasts(deps: BroadcastDeps) {
  const batchSize = deps.batchSize ?? 1000;
  const leaseMs = deps.leaseMs ?? 30_000;
  const batchesPerTurn = deps.batchesPerTurn ?? 20;
  const maxFailures = deps.maxFailures ?? 5;
  const failures = new Map<string, number>();
  let turn: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function contactsOf(userIds: string[]): Promise<Contact[]> {
    const contacts: Contact[] = [];
    for (const userId of userIds) {
      const contact = await deps.users.contactOf(userId);
      if (contact) contacts.push({ userId, ...contact });
    }
    return contacts;
  }

  async function commit(b: BroadcastRow, inApp: string[], mail: Contact[], cursor: string) {
    return deps.db.transaction().execute(async (trx) => {
      const rows = await deps.notifications.insertForUsers(trx, inApp, {
        type: 'system_update',
        title: b.title,
        content: b.content,
        data: { broadcastId: b.id },
        actionUrl: b.action_url,
        dedupeKey: `broadcast:${b.id}`,
      });
      for (const c of mail)
        await deps.email.send(
          {
            to: c.email,
            template: 'notification',
            data: { type: 'system_update', title: b.title, content: b.content, actionUrl: b.action_url },
            locale: c.locale,
            userId: c.userId,
          },
          { db: trx },
        );
      const reached = new Set([...rows.map((r) => r.user_id), ...mail.map((c) => c.userId)]).size;
      if (!(await deps.broadcasts.advance(trx, b.id, deps.instanceId, cursor, reached, leaseMs)))
        throw new LeaseLost();
      return rows;
    });
  }

  /** One batch after the cursor; false when the broadcast reached its last user. */
  async function step(b: BroadcastRow): Promise<boolean> {
    const ids = await deps.users.pageUserIds(b.cursor_user_id, batchSize);
    if (ids.length) {
      const stored = new Map((await deps.preferences.forUsers(ids)).map((p) => [p.user_id, p]));
      const channels = ids.map((id) => ({
        id,
        ...channelsFor(resolvePreferences(stored.get(id)), 'system_update'),
      }));
      const inApp = channels.filter((c) => c.in_app).map((c) => c.id);
      const mail = await contactsOf(channels.filter((c) => c.email).map((c) => c.id));
      const cursor = ids.at(-1)!;
      let rows: NotificationRow[];
      try {
        rows = await commit(b, inApp, mail, cursor);
      } catch (err) {
        if (err instanceof LeaseLost || !mail.length) throw err;
        deps.log.warn(
          { err, broadcastId: b.id },
          'broadcast e-mails not queued; batch delivered in-app only',
        );
        rows = await commit(b, inApp, [], cursor);
      }
      b.cursor_user_id = cursor;
      await deps.service.publishCreated(rows);
      await deps.service.publishCounts([...new Set(rows.map((r) => r.user_id))]);
    }
    if (ids.length === batchSize) return true;
    await deps.broadcasts.finish(b.id, deps.instanceId);
    deps.log.info({ broadcastId: b.id }, 'broadcast delivered');
    return false;
  }

  async function fail(b: BroadcastRow, err: unknown): Promise<void> {
    const count = (failures.get(b.id) ?? 0) + 1;
    failures.set(b.id, count);
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
    deps.log.error({ err, broadcastId: b.id, attempt: count }, 'broadcast batch failed');
    if (count < maxFailures) return deps.broadcasts.noteError(b.id, deps.instanceId, message);
    failures.delete(b.id);
    await deps.broadcasts.finish(b.id, deps.instanceId, message);
  }

  /** Claims a broadcast and delivers up to `batchesPerTurn` batches of it; true when work may remain. */
  async function runTurn(): Promise<boolean> {
    const b = await deps.broadcasts.claim(deps.instanceId, leaseMs);
    if (!b) return false;
    try {
      for (let i = 0; i < batchesPerTurn && !stopped; i++) if (!(await step(b))) return true;
      failures.delete(b.id);
    } catch (err) {
      if (err instanceof LeaseLost) return true;
      await fail(b, err);
      return false;
    }
    return true;
  }

  /** Runs turns while there is work; a kick during a turn makes it look again afterwards. */
  function kick(): void {
    if (stopped) return;
    if (turn) {
      again = true;
      return;
    }
    turn = (async () => {
      do {
        again = false;
        try {
          if (await runTurn()) again = true;
        } catch (err) {
          deps.log.error({ err }, 'broadcast loop failed');
        }
        // Yield between turns, so a long broadcast never holds the event loop.
        await new Promise((resolve) => setImmediate(resolve));
      } while (again && !stopped);
      turn = null;
    })();
  }

  return {
    async create(
      createdBy: string,
      body: BroadcastBody,
    ): Promise<{ broadcastId: string; status: BroadcastRow['status'] }> {
      const b = await deps.broadcasts.create({
        createdBy,
        title: body.title,
        content: body.content ?? null,
        actionUrl: body.actionUrl ?? null,
      });
      kick();
      return { broadcastId: b.id, status: b.status };
    },

    async get(id: string): Promise<BroadcastView> {
      const b = await deps.broadcasts.get(id);
      if (!b) throw new NotFoundError('No such broadcast');
      return view(b);
    },

    kick,

    /** Looks for work now and every `pollMs` (resuming what a stopped process left). */
    start(): void {
      kick();
      timer = setInterval(kick, deps.pollMs ?? 5000);
      timer.unref();
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      await turn;
    },
  };
}

export type Broadcasts = ReturnType<typeof createBroadcasts>;
