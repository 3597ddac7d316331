import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { AlertChannel, DB } from '../../../shared/db/index.ts';
import type { ChannelResult, ChannelSender } from './channel.ts';
import type { AttemptRecord, ClaimedDelivery, DeliveryRepository, Outcome } from './delivery.repository.ts';
import { isRefusal } from './email-channel.ts';

export const INTERRUPTED = 'interrupted: the sender stopped before recording the result of this attempt';

export interface DispatcherOptions {
  db: Kysely<DB>;
  repo: DeliveryRepository;
  channels: Record<AlertChannel, ChannelSender>;
  /** Wait before retry n (n = 1…length); after the last retry a delivery fails. */
  retryScheduleMs: number[];
  pollIntervalMs: number;
  /** How long a claimed row is this sender's; past it another process takes it over. */
  leaseMs: number;
  /** Attempts in flight at once in this process (each channel's attempts run beside the others). */
  concurrency: number;
  instanceId: string;
  now: () => Date;
  log: FastifyBaseLogger;
  /** Finished test-send deliveries older than this are deleted (ALERT_HISTORY_RETENTION). */
  retentionMs: number;
}

/** How often (by the module clock) retention runs; the first poll runs it too. */
const RETENTION_INTERVAL_MS = 600_000;
const RETENTION_BATCH = 500;

export interface AlertDispatcher {
  start(): void;
  nudge(): void;
  /** Stops claiming and waits up to `timeoutMs` for the attempts in flight. */
  close(timeoutMs: number): Promise<void>;
}

class LostLease extends Error {}

/**
 * Sends alert_deliveries: each poll (and on a nudge, and whenever an attempt ends) it claims as many due
 * rows as it has free slots and starts each attempt on its own, so a hanging webhook (bounded by its
 * timeout) or a slow channel holds one slot, never the others. Every attempt writes its log row with
 * the outcome, fenced on the claim; several processes share the table through SKIP LOCKED.
 */
export function createAlertDispatcher(o: DispatcherOptions): AlertDispatcher {
  const { db, repo, log } = o;
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let wake: NodeJS.Timeout | undefined;
  let wakeAt = 0;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  function outcomeOf(row: ClaimedDelivery, r: ChannelResult): Outcome {
    const statusCode = r.statusCode ?? null;
    const error = r.error ?? null;
    if (r.kind !== 'retry') return { status: r.kind, statusCode, error };
    const wait = o.retryScheduleMs[row.attempts - 1];
    if (wait === undefined)
      return { status: 'failed', statusCode, error: `${error} (gave up after ${row.attempts} attempts)` };
    return { status: 'pending', statusCode, error, nextAttemptAt: new Date(o.now().getTime() + wait) };
  }

  async function store(row: ClaimedDelivery, r: ChannelResult, attempt: AttemptRecord): Promise<Outcome> {
    const outcome = outcomeOf(row, r);
    const ref = { id: row.id, workerId: o.instanceId, attempts: row.attempts };
    await db.transaction().execute(async (trx) => {
      await r.write?.(trx);
      if (!(await repo.record(trx, ref, attempt, outcome))) throw new LostLease();
    });
    return outcome;
  }

  async function attemptOnce(row: ClaimedDelivery): Promise<void> {
    if (row.interrupted)
      await repo.logAttempt(db, row.id, row.attempts - 1, {
        startedAt: o.now(),
        durationMs: 0,
        statusCode: null,
        error: INTERRUPTED,
        ok: false,
      });
    const startedAt = o.now();
    const t0 = performance.now();
    const result = await o.channels[row.channel](row).catch((err: unknown): ChannelResult => ({
      kind: 'retry',
      error: `internal error: ${(err as Error).message}`,
    }));
    const attempt = (r: ChannelResult): AttemptRecord => ({
      startedAt,
      durationMs: performance.now() - t0,
      statusCode: r.statusCode ?? null,
      error: r.error ?? null,
      ok: r.kind === 'delivered',
    });
    let outcome: Outcome;
    try {
      outcome = await store(row, result, attempt(result));
    } catch (err) {
      if (err instanceof LostLease || !result.write) throw err;
      // What the channel wanted to store was refused (or failed): record that instead.
      const failed: ChannelResult = {
        kind: isRefusal(err) ? 'failed' : 'retry',
        error: `not stored: ${(err as Error).message}`,
      };
      outcome = await store(row, failed, attempt(failed));
    }
    const ctx = { deliveryId: row.id, channel: row.channel, attempt: row.attempts, status: outcome.status };
    if (outcome.status === 'failed') log.warn({ ...ctx, error: outcome.error }, 'alert delivery failed');
    else if (outcome.status === 'pending')
      log.info({ ...ctx, error: outcome.error }, 'alert delivery will retry');
    else log.debug(ctx, 'alert delivery attempt recorded');
    if (outcome.nextAttemptAt) wakeIn(outcome.nextAttemptAt.getTime() - o.now().getTime());
    await result
      .after?.()
      .catch((err: unknown) => log.warn({ err, deliveryId: row.id }, 'alert event not published'));
  }

  function start(row: ClaimedDelivery): void {
    const p: Promise<void> = attemptOnce(row)
      .catch((err: unknown) => {
        if (err instanceof LostLease)
          log.warn({ deliveryId: row.id }, 'alert delivery lease lost; result dropped');
        else log.error({ err, deliveryId: row.id }, 'alert delivery attempt not recorded');
      })
      .finally(() => {
        inFlight.delete(p);
        nudge();
      });
    inFlight.add(p);
  }

  let lastRetention = -Infinity;
  async function retention(): Promise<void> {
    const at = o.now().getTime();
    if (at - lastRetention < RETENTION_INTERVAL_MS) return;
    lastRetention = at;
    const deleted = await repo.deleteFinishedTestSends(new Date(at - o.retentionMs), RETENTION_BATCH);
    if (deleted) log.info({ deleted }, 'old alert test-send deliveries deleted');
  }

  async function cycle(): Promise<void> {
    await retention();
    while (!closed) {
      const free = o.concurrency - inFlight.size;
      if (free <= 0) return;
      const rows = await repo.claimDue(o.instanceId, free, o.now(), o.leaseMs);
      rows.forEach(start);
      if (rows.length < free) return;
    }
  }

  /** A retry due before the next poll is looked for when it is due. */
  function wakeIn(ms: number): void {
    const at = Date.now() + Math.max(0, ms) + 5;
    if (closed || ms >= o.pollIntervalMs || (wake && wakeAt <= at)) return;
    clearTimeout(wake);
    wakeAt = at;
    wake = setTimeout(() => {
      wake = undefined;
      nudge();
    }, at - Date.now()).unref();
  }

  function nudge(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = cycle()
      .catch((err: unknown) => log.warn({ err }, 'alert delivery poll failed; trying again later'))
      .finally(() => {
        running = null;
        if (again && !closed) {
          again = false;
          nudge();
        } else if (!closed) timer = setTimeout(nudge, o.pollIntervalMs).unref();
      });
  }

  return {
    start: nudge,
    nudge,
    async close(timeoutMs) {
      closed = true;
      clearTimeout(timer);
      clearTimeout(wake);
      let t: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((r) => (t = setTimeout(r, timeoutMs)));
      await Promise.race([Promise.allSettled([running, ...inFlight]), deadline]);
      clearTimeout(t);
    },
  };
}
