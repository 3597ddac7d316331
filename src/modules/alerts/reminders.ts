import type { Kysely } from 'kysely';
import type { DB } from '../../shared/db/index.ts';
import { payloadOf, type Observation } from './alert-payload.ts';
import type { AlertStateRepository, StateRow } from './alert-state.repository.ts';
import type { AlertHistoryRepository } from './alert-history.repository.ts';
import type { AlertDeliveryQueue } from './delivery-port.ts';
import { isMuted } from './state-machine.ts';

interface Logger {
  warn(obj: object, msg: string): void;
}

export interface TickerDeps {
  db: Kysely<DB>;
  states: AlertStateRepository;
  history: AlertHistoryRepository;
  queue: AlertDeliveryQueue;
  publicUrl: string;
  retentionMs: number;
  now: () => Date;
  log: Logger;
  pollMs?: number;
  batchSize?: number;
}

const RETENTION_EVERY_MS = 3_600_000;

/**
 * In worker processes: every `pollMs`, claims the firing series whose reminder is due (FOR UPDATE SKIP
 * LOCKED, so each reminder is sent by one process), enqueues an `alert.reminder` notice unless the rule
 * is muted, and sets the next one a repeat_interval later; hourly, deletes resolved alerts older than
 * ALERT_HISTORY_RETENTION (their deliveries cascade).
 */
export function createAlertTicker(deps: TickerDeps) {
  const pollMs = deps.pollMs ?? 1000;
  const batchSize = deps.batchSize ?? 100;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let lastRetention = 0;

  async function remind(trx: Kysely<DB>, due: StateRow[], now: Date): Promise<number> {
    const rules = new Map(
      (await deps.states.rulesByIds(trx, [...new Set(due.map((d) => d.rule_id))])).map((r) => [r.id, r]),
    );
    const episodes = new Map(
      (
        await deps.states.episodes(
          trx,
          due.flatMap((d) => (d.alert_id ? [d.alert_id] : [])),
        )
      ).map((e) => [e.id, e]),
    );
    let sent = 0;
    for (const s of due) {
      const rule = rules.get(s.rule_id);
      const episode = s.alert_id ? episodes.get(s.alert_id) : undefined;
      if (
        !rule ||
        !rule.is_active ||
        !rule.repeat_interval ||
        s.state !== 'firing' ||
        !episode ||
        episode.state !== 'firing'
      ) {
        await deps.states.setReminder(trx, s, null);
        continue;
      }
      await deps.states.setReminder(trx, s, new Date(now.getTime() + rule.repeat_interval * 1000));
      if (isMuted(rule, now)) continue;
      const m = episode.metric_data as Record<string, string | null>;
      const o: Observation = {
        seriesKey: s.series_key,
        value: s.last_value,
        eventId: s.last_event_id ?? '',
        testId: m.testId ?? null,
        scheduleId: m.scheduleId ?? null,
        url: m.url ?? null,
        instanceId: m.instanceId ?? null,
      };
      const ep = {
        id: episode.id,
        triggeredAt: new Date(episode.triggered_at),
        resolvedAt: null,
        value: s.last_value,
      };
      await deps.queue.enqueue(
        trx,
        rule,
        'alert.reminder',
        payloadOf(rule, o, ep, 'firing', now, deps.publicUrl),
      );
      await deps.states.countReminder(trx, episode.id);
      sent++;
    }
    return sent;
  }

  /** One pass: due reminders (one batch), and the retention when an hour has passed. Returns reminders sent. */
  async function tick(): Promise<number> {
    const now = deps.now();
    const sent = await deps.db.transaction().execute(async (trx) => {
      const due = await deps.states.lockDueReminders(trx, now, batchSize);
      return due.length ? remind(trx, due, now) : 0;
    });
    if (sent) deps.queue.nudge();
    if (now.getTime() - lastRetention >= RETENTION_EVERY_MS) {
      lastRetention = now.getTime();
      await deps.history.prune(new Date(now.getTime() - deps.retentionMs));
    }
    return sent;
  }

  function schedule(): void {
    timer = setTimeout(() => {
      running = tick()
        .then(() => undefined)
        .catch((err: unknown) => deps.log.warn({ err }, 'alert reminders failed; retried on the next tick'))
        .finally(() => {
          running = null;
          if (timer) schedule();
        });
    }, pollMs);
  }

  return {
    tick,
    start(): void {
      if (!timer) schedule();
    },
    async stop(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

export type AlertTicker = ReturnType<typeof createAlertTicker>;
