import { sql, type Kysely, type Selectable } from 'kysely';
import type { AlertChannel, AlertDeliveryEvent, AlertDeliveryStatus, DB } from '../../../shared/db/index.ts';
import type { AlertDeliveriesTable, AlertDeliveryAttemptsTable } from '../../../shared/db/schema.ts';
import type { AlertPayload } from '../../../shared/events/index.ts';

export type DeliveryRow = Selectable<AlertDeliveriesTable>;
export type AttemptRow = Selectable<AlertDeliveryAttemptsTable>;

/** A claimed row; `interrupted`: it was claimed before and its lease ran out with no result recorded. */
export type ClaimedDelivery = DeliveryRow & { interrupted: boolean };

export interface NewDelivery {
  alertId: string | null;
  ruleId: string;
  userId: string;
  channel: AlertChannel;
  event: AlertDeliveryEvent;
  webhookId: string | null;
  payload: AlertPayload;
  /** Written `skipped` with this reason (e.g. a webhook channel without an endpoint). */
  skipped?: string;
  dueAt: Date;
}

/** The attempt an outcome belongs to: it lands only while that attempt still holds the row. */
export interface AttemptRef {
  id: string;
  workerId: string;
  attempts: number;
}

export interface AttemptRecord {
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  ok: boolean;
}

export interface Outcome {
  status: Extract<AlertDeliveryStatus, 'pending' | 'delivered' | 'failed' | 'skipped'>;
  /** When `pending`: the next attempt. */
  nextAttemptAt?: Date;
  statusCode: number | null;
  error: string | null;
}

const MAX_ERROR = 1000;
export const clip = (text: string | null) => (text === null ? null : text.slice(0, MAX_ERROR));

/** All SQL on alert_deliveries and alert_delivery_attempts. The table is the queue: a row is a job. */
export function createDeliveryRepository(db: Kysely<DB>) {
  const fenced = (trx: Kysely<DB>, ref: AttemptRef) =>
    trx
      .updateTable('alert_deliveries')
      .where('id', '=', ref.id)
      .where('status', '=', 'sending')
      .where('worker_id', '=', ref.workerId)
      .where('attempts', '=', ref.attempts);

  return {
    async insert(trx: Kysely<DB>, rows: NewDelivery[]): Promise<void> {
      if (!rows.length) return;
      await trx
        .insertInto('alert_deliveries')
        .values(
          rows.map((r) => ({
            alert_id: r.alertId,
            rule_id: r.ruleId,
            user_id: r.userId,
            channel: r.channel,
            event: r.event,
            webhook_id: r.webhookId,
            payload: JSON.stringify(r.payload),
            next_attempt_at: r.dueAt,
            // The module clock's time, which retention compares with.
            created_at: r.dueAt,
            ...(r.skipped ? { status: 'skipped' as const, last_error: clip(r.skipped) } : {}),
          })),
        )
        .execute();
    },

    /**
     * Claims up to `limit` due rows in one statement: pending ones whose time has come, and sending ones
     * whose lease ran out (their sender died). Each gets one more attempt, this worker and a lease.
     * SKIP LOCKED keeps two processes on one PostgreSQL from claiming a row twice.
     */
    async claimDue(workerId: string, limit: number, now: Date, leaseMs: number): Promise<ClaimedDelivery[]> {
      if (limit <= 0) return [];
      const lease = new Date(now.getTime() + leaseMs);
      const { rows } = await sql<ClaimedDelivery>`
        UPDATE alert_deliveries d SET status = 'sending', attempts = d.attempts + 1, worker_id = ${workerId},
          lease_until = ${lease}, updated_at = now()
        FROM (
          SELECT id, status AS was FROM alert_deliveries
          WHERE next_attempt_at <= ${now}
            AND (status = 'pending' OR (status = 'sending' AND lease_until < ${now}))
          ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED
        ) due
        WHERE d.id = due.id
        RETURNING d.*, due.was = 'sending' AS interrupted`.execute(db);
      return rows.sort((a, b) => +new Date(a.next_attempt_at) - +new Date(b.next_attempt_at));
    },

    /** The attempt's log row and the row's outcome, in `trx` (with whatever the channel wrote there). */
    async record(
      trx: Kysely<DB>,
      ref: AttemptRef,
      attempt: AttemptRecord,
      outcome: Outcome,
    ): Promise<boolean> {
      const r = await fenced(trx, ref)
        .set({
          status: outcome.status,
          next_attempt_at: outcome.nextAttemptAt ?? sql`next_attempt_at`,
          last_status_code: outcome.statusCode,
          last_error: clip(outcome.error),
          lease_until: null,
          updated_at: sql`now()`,
          delivered_at: outcome.status === 'delivered' ? sql`now()` : null,
        })
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) return false;
      await this.logAttempt(trx, ref.id, ref.attempts, attempt);
      return true;
    },

    async logAttempt(trx: Kysely<DB>, deliveryId: string, attempt: number, a: AttemptRecord): Promise<void> {
      await trx
        .insertInto('alert_delivery_attempts')
        .values({
          delivery_id: deliveryId,
          attempt,
          started_at: a.startedAt,
          duration_ms: Math.round(a.durationMs),
          status_code: a.statusCode,
          error: clip(a.error),
          ok: a.ok,
        })
        .execute();
    },

    /**
     * Finished deliveries of test sends (no alert: history retention, which deletes an alert with its
     * deliveries, never reaches them) created before `before`; at most `limit`. Returns how many.
     */
    async deleteFinishedTestSends(before: Date, limit: number): Promise<number> {
      const r = await sql`
        DELETE FROM alert_deliveries WHERE id IN (
          SELECT id FROM alert_deliveries
          WHERE alert_id IS NULL AND status IN ('delivered', 'failed', 'skipped') AND created_at < ${before}
          LIMIT ${limit})`.execute(db);
      return Number(r.numAffectedRows ?? 0n);
    },

    /** Deliveries (newest first) of `userId` (null: everyone's, for admins), each with its attempts. */
    async list(
      userId: string | null,
      filter: { alertId?: string; ruleId?: string; limit: number },
    ): Promise<Array<DeliveryRow & { log: AttemptRow[] }>> {
      let q = db
        .selectFrom('alert_deliveries')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc');
      if (userId) q = q.where('user_id', '=', userId);
      if (filter.alertId) q = q.where('alert_id', '=', filter.alertId);
      if (filter.ruleId) q = q.where('rule_id', '=', filter.ruleId);
      const rows = await q.limit(filter.limit).execute();
      if (!rows.length) return [];
      const attempts = await db
        .selectFrom('alert_delivery_attempts')
        .selectAll()
        .where(
          'delivery_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('attempt')
        .execute();
      const byDelivery = new Map<string, AttemptRow[]>();
      for (const a of attempts) byDelivery.set(a.delivery_id, [...(byDelivery.get(a.delivery_id) ?? []), a]);
      return rows.map((r) => ({ ...r, log: byDelivery.get(r.id) ?? [] }));
    },

    /** A rule's e-mail settings at the time of an attempt (null: the rule was deleted). */
    async emailSettings(ruleId: string): Promise<{ recipients: string[] | null; platform: boolean } | null> {
      const row = await db
        .selectFrom('alert_rules')
        .select(['email_recipients', 'scope_kind'])
        .where('id', '=', ruleId)
        .executeTakeFirst();
      return row ? { recipients: row.email_recipients, platform: row.scope_kind === 'platform' } : null;
    },

    /** Whether the alert (history row) exists and, unless `userId` is null, belongs to that user. */
    async alertVisible(userId: string | null, alertId: string): Promise<boolean> {
      let q = db.selectFrom('alert_history').select('id').where('id', '=', alertId);
      if (userId) q = q.where('user_id', '=', userId);
      return (await q.executeTakeFirst()) !== undefined;
    },
  };
}

export type DeliveryRepository = ReturnType<typeof createDeliveryRepository>;
