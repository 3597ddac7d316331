import type { NotificationRepository } from './notification.repository.ts';
import type { NotificationsService } from './notifications.service.ts';

interface Logger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RetentionDeps {
  notifications: NotificationRepository;
  service: Pick<NotificationsService, 'publishCounts'>;
  log: Logger;
  retentionMs: number;
  intervalMs: number;
  /** The clock (tests move it). */
  now?: () => Date;
  batchSize?: number;
  /** Batches per run: a backlog larger than this is worked off over the following runs. */
  maxBatches?: number;
}

/**
 * Deletes notifications (read or not) older than the retention, in batches, on a timer. Idempotent, so
 * every process may run it: two processes at once delete disjoint rows or nothing. Users whose unread
 * notifications went get their new count live.
 */
export function createRetention(deps: RetentionDeps) {
  const now = deps.now ?? (() => new Date());
  const batchSize = deps.batchSize ?? 1000;
  const maxBatches = deps.maxBatches ?? 50;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  async function sweep(): Promise<number> {
    const cutoff = new Date(now().getTime() - deps.retentionMs);
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const { deleted, unreadOf } = await deps.notifications.deleteOlderThan(cutoff, batchSize);
      total += deleted;
      if (unreadOf.length) await deps.service.publishCounts(unreadOf);
      if (deleted < batchSize) break;
    }
    for (let i = 0; i < maxBatches; i++)
      if ((await deps.notifications.deleteKeysOlderThan(cutoff, batchSize)) < batchSize) break;
    if (total) deps.log.info({ deleted: total }, 'old notifications deleted');
    return total;
  }

  /** One run now (a run already going is joined); resolves with the notifications it deleted. */
  function run(): Promise<number> {
    running ??= sweep().finally(() => (running = null));
    return running;
  }

  return {
    run,
    start(): void {
      timer = setInterval(() => {
        run().catch((err: unknown) => deps.log.error({ err }, 'notification retention failed'));
      }, deps.intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
