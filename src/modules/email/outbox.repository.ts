import { sql, type Kysely, type Selectable } from 'kysely';
import type { DB, EmailStatus } from '../../shared/db/index.ts';
import type { EmailOutboxTable } from '../../shared/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../shared/http/index.ts';

export type OutboxRow = Selectable<EmailOutboxTable>;
/** A claimed row; `expired`: older than EMAIL_MAX_AGE since it was queued, to be failed, not sent. */
export type ClaimedRow = OutboxRow & { expired: boolean };

export interface NewOutboxRow {
  id: string;
  user_id: string | null;
  recipient: string;
  template: string;
  locale: string;
  subject: string;
  body_text: string;
  body_html: string;
  message_id: string;
  /** Written `failed` (with the reason) when it must not be sent, e.g. rate limited. */
  failed?: string;
}

export interface ListFilter {
  status?: EmailStatus;
  limit: number;
  cursor?: string;
}

/** The attempt a status update belongs to: a write is dropped when the row has moved on since. */
export interface AttemptRef {
  id: string;
  lockedBy: string;
  attempts: number;
}

const interval = (ms: number) => sql`make_interval(secs => ${ms / 1000})`;
const MAX_ERROR = 1000;
const clip = (error: string) => error.slice(0, MAX_ERROR);

/** All SQL on email_outbox. The table is the queue: a row is a job, its id the job id. */
export function createOutboxRepository(db: Kysely<DB>) {
  /** The status update of one attempt, fenced: it only lands while that attempt still holds the row. */
  const fenced = (ref: AttemptRef) =>
    db
      .updateTable('email_outbox')
      .where('id', '=', ref.id)
      .where('status', '=', 'sending')
      .where('locked_by', '=', ref.lockedBy)
      .where('attempts', '=', ref.attempts);

  return {
    async insert(row: NewOutboxRow, trx: Kysely<DB> = db): Promise<void> {
      const { failed, ...values } = row;
      await trx
        .insertInto('email_outbox')
        .values({ ...values, ...(failed ? { status: 'failed', last_error: clip(failed) } : {}) })
        .execute();
    },

    /** Messages to `recipient` (any case) written in the last `windowMs`, not counting ones refused by the limit. */
    async countRecent(recipient: string, windowMs: number, trx: Kysely<DB> = db): Promise<number> {
      const row = await trx
        .selectFrom('email_outbox')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where(sql<boolean>`lower(recipient) = lower(${recipient})`)
        .where('created_at', '>', sql<Date>`now() - ${interval(windowMs)}`)
        // A row refused by the limit is failed with no attempt; it did not reach the recipient.
        .where((eb) => eb.or([eb('status', '<>', 'failed'), eb('attempts', '>', 0)]))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /**
     * Claims up to `limit` due pending rows in one statement: status `sending`, one more attempt, this
     * instance's lock and lease. SKIP LOCKED keeps two processes on one PostgreSQL from claiming a row twice.
     */
    async claimDue(
      instanceId: string,
      limit: number,
      leaseMs: number,
      maxAgeMs: number,
    ): Promise<ClaimedRow[]> {
      const { rows } = await sql<ClaimedRow>`
        UPDATE email_outbox SET status = 'sending', attempts = attempts + 1, locked_by = ${instanceId},
          lease_until = now() + ${interval(leaseMs)}, updated_at = now()
        WHERE id IN (
          SELECT id FROM email_outbox WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at, created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
        )
        RETURNING *, queued_at < now() - ${interval(maxAgeMs)} AS expired`.execute(db);
      return rows.sort((a, b) => +new Date(a.next_attempt_at) - +new Date(b.next_attempt_at));
    },

    async markSent(ref: AttemptRef): Promise<boolean> {
      const r = await fenced(ref)
        .set({
          status: 'sent',
          sent_at: sql`now()`,
          last_error: null,
          lease_until: null,
          updated_at: sql`now()`,
        })
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    /** Back to pending, due in `delayMs`, with the error of this attempt. */
    async markRetry(ref: AttemptRef, delayMs: number, error: string): Promise<boolean> {
      const r = await fenced(ref)
        .set({
          status: 'pending',
          next_attempt_at: sql`now() + ${interval(delayMs)}`,
          last_error: clip(error),
          lease_until: null,
          updated_at: sql`now()`,
        })
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async markFailed(ref: AttemptRef, error: string): Promise<boolean> {
      const r = await fenced(ref)
        .set({ status: 'failed', last_error: clip(error), lease_until: null, updated_at: sql`now()` })
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    /**
     * Fails rows whose attempt outlived its lease (the sender died or lost the database mid-send): the
     * SMTP server may have accepted the message, so it is not sent again.
     */
    async failInterrupted(error: string, limit: number): Promise<OutboxRow[]> {
      const { rows } = await sql<OutboxRow>`
        UPDATE email_outbox SET status = 'failed', last_error = ${clip(error)}, lease_until = null, updated_at = now()
        WHERE id IN (
          SELECT id FROM email_outbox WHERE status = 'sending' AND lease_until < now()
          ORDER BY lease_until LIMIT ${limit} FOR UPDATE SKIP LOCKED
        )
        RETURNING *`.execute(db);
      return rows;
    },

    async list(f: ListFilter): Promise<{ items: OutboxRow[]; nextCursor: string | null }> {
      const after = f.cursor ? decodeCursor(f.cursor) : undefined;
      const rows = (await db
        .selectFrom('email_outbox')
        .selectAll()
        .select(sql<string>`created_at::text`.as('cursor_at'))
        .$if(!!f.status, (q) => q.where('status', '=', f.status!))
        .$if(!!after, (q) =>
          q.where(sql<boolean>`(created_at, id) < (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(f.limit + 1)
        .execute()) as (OutboxRow & { cursor_at: string })[];
      const more = rows.length > f.limit;
      const items = more ? rows.slice(0, f.limit) : rows;
      const last = items.at(-1);
      return { items, nextCursor: more && last ? encodeCursor(last.cursor_at, last.id) : null };
    },

    async get(id: string): Promise<OutboxRow | undefined> {
      return db.selectFrom('email_outbox').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** A failed row queued again from scratch (attempts 0, due now); undefined when it is not failed. */
    async requeueFailed(id: string): Promise<OutboxRow | undefined> {
      return db
        .updateTable('email_outbox')
        .set({
          status: 'pending',
          attempts: 0,
          last_error: null,
          locked_by: null,
          lease_until: null,
          next_attempt_at: sql`now()`,
          queued_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .returningAll()
        .executeTakeFirst();
    },

    /** Deletes up to `limit` sent or failed rows older than `ageMs`; returns how many. */
    async deleteFinishedBefore(ageMs: number, limit: number): Promise<number> {
      const { rows } = await sql<{ id: string }>`
        DELETE FROM email_outbox WHERE id IN (
          SELECT id FROM email_outbox WHERE status IN ('sent', 'failed') AND created_at < now() - ${interval(ageMs)}
          LIMIT ${limit} FOR UPDATE SKIP LOCKED
        ) RETURNING id`.execute(db);
      return rows.length;
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
