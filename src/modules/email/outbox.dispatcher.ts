import type { FastifyBaseLogger } from 'fastify';
import type { EmailConfig } from '../../config/email-config.ts';
import type { AttemptRef, ClaimedRow, OutboxRepository } from './outbox.repository.ts';
import { DeliveryError, type MailTransport } from './smtp.transport.ts';

export const INTERRUPTED =
  'interrupted during delivery (the sender stopped before recording the result); not retried to avoid a duplicate';
export const EXPIRED = 'expired: not delivered within EMAIL_MAX_AGE';

export interface DispatcherOptions {
  repo: Pick<
    OutboxRepository,
    'claimDue' | 'markSent' | 'markRetry' | 'markFailed' | 'failInterrupted' | 'deleteFinishedBefore'
  >;
  transport: MailTransport;
  config: EmailConfig;
  instanceId: string;
  log: FastifyBaseLogger;
  /** How long an attempt may hold a row before it counts as interrupted (default 10 × SMTP_TIMEOUT). */
  leaseMs?: number;
  /** How often retention runs (default 10 min; the first cycle runs it too). */
  retentionIntervalMs?: number;
  /** Rows retention deletes per statement, and statements per run. */
  retentionBatch?: number;
  retentionBatches?: number;
}

export interface OutboxDispatcher {
  start(): void;
  /** Look for due rows now (a row was just written). */
  nudge(): void;
  /** Stops polling and waits up to `timeoutMs` for the attempts in flight, then closes the transport. */
  close(timeoutMs: number): Promise<void>;
}

// Status writes of sends the database did not take (it was unreachable); retried on the next cycles.
const MAX_UNRECORDED = 1000;

/**
 * Delivers the outbox: every poll (and on a nudge) it fails attempts that outlived their lease, claims
 * up to SMTP_POOL_SIZE due rows, sends them at once, and records each outcome on the attempt's fence.
 * One cycle at a time per process; several processes share the table through SKIP LOCKED.
 */
export function createOutboxDispatcher(o: DispatcherOptions): OutboxDispatcher {
  const { repo, transport, config, instanceId, log } = o;
  const leaseMs = o.leaseMs ?? config.timeoutMs * 10;
  const retentionIntervalMs = o.retentionIntervalMs ?? 600_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let lastRetention = 0;
  const unrecorded: AttemptRef[] = [];

  const delayOf = (attempts: number) =>
    Math.min(config.backoffMs * 2 ** Math.max(0, attempts - 1), config.maxAgeMs);

  async function failed(row: ClaimedRow, ref: AttemptRef, err: unknown): Promise<void> {
    const e = err instanceof DeliveryError ? err : new DeliveryError(String(err), false);
    const ctx = { outboxId: row.id, attempt: row.attempts, error: e.reason };
    if (e.permanent) {
      await repo.markFailed(ref, e.reason);
      log.warn(ctx, 'e-mail refused permanently by the SMTP server; not retried');
    } else if (row.attempts >= config.maxAttempts) {
      await repo.markFailed(ref, `${e.reason} (gave up after ${row.attempts} attempts)`);
      log.warn(ctx, 'e-mail delivery failed; no attempts left');
    } else {
      await repo.markRetry(ref, delayOf(row.attempts), e.reason);
      log.info({ ...ctx, retryInMs: delayOf(row.attempts) }, 'e-mail delivery failed; will retry');
    }
  }

  async function deliver(row: ClaimedRow): Promise<void> {
    const ref = { id: row.id, lockedBy: instanceId, attempts: row.attempts };
    if (row.expired) {
      await repo.markFailed(ref, EXPIRED);
      log.warn({ outboxId: row.id }, 'e-mail expired in the outbox; not sent');
      return;
    }
    try {
      await transport.send(row);
    } catch (err) {
      await failed(row, ref, err);
      return;
    }
    try {
      await repo.markSent(ref);
    } catch (err) {
      // Sent, but not recorded: retry the write while the lease lasts; past it the row fails as interrupted.
      if (unrecorded.length < MAX_UNRECORDED) unrecorded.push(ref);
      log.error({ outboxId: row.id, err }, 'e-mail sent but its status could not be recorded');
    }
  }

  async function recordUnrecorded(): Promise<void> {
    for (const ref of unrecorded.splice(0)) {
      // false: the lease ran out and the row was failed as interrupted meanwhile; nothing more to do.
      await repo.markSent(ref).catch(() => void unrecorded.push(ref));
    }
  }

  async function housekeeping(): Promise<void> {
    await recordUnrecorded();
    for (const row of await repo.failInterrupted(INTERRUPTED, 100))
      log.warn({ outboxId: row.id, lockedBy: row.locked_by }, 'e-mail delivery was interrupted; not retried');
    if (Date.now() - lastRetention < retentionIntervalMs) return;
    lastRetention = Date.now();
    const batch = o.retentionBatch ?? 500;
    let deleted = 0;
    for (let i = 0; i < (o.retentionBatches ?? 20); i++) {
      const n = await repo.deleteFinishedBefore(config.retentionMs, batch);
      deleted += n;
      if (n < batch) break;
    }
    if (deleted) log.info({ deleted }, 'old e-mails deleted from the outbox');
  }

  async function cycle(): Promise<void> {
    await housekeeping();
    for (;;) {
      if (closed) return;
      const rows = await repo.claimDue(instanceId, config.poolSize, leaseMs, config.maxAgeMs);
      await Promise.all(
        rows.map((row) =>
          deliver(row).catch((err: unknown) => log.error({ outboxId: row.id, err }, 'e-mail attempt failed')),
        ),
      );
      if (rows.length < config.poolSize) return;
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    if (!closed) timer = setTimeout(nudge, config.pollIntervalMs).unref();
  }

  function nudge(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = cycle()
      .catch((err: unknown) => log.warn({ err }, 'e-mail outbox poll failed; trying again later'))
      .finally(() => {
        running = null;
        if (again && !closed) {
          again = false;
          nudge();
        } else schedule();
      });
  }

  return {
    start: nudge,
    nudge,
    async close(timeoutMs) {
      closed = true;
      clearTimeout(timer);
      let wait: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((r) => (wait = setTimeout(r, timeoutMs)));
      await Promise.race([running ?? Promise.resolve(), deadline]);
      clearTimeout(wait);
      transport.close();
    },
  };
}
