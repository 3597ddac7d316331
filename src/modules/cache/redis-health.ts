import type { CacheMetrics } from './cache-metrics.ts';

const MAX_PENDING = 10_000;
const LOG_EVERY_MS = 60_000;

export interface PendingInvalidations {
  keys: Set<string>;
  tags: Set<string>;
  /** Too many to remember: flush everything instead. */
  flush: boolean;
}

interface Deps {
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  metrics: CacheMetrics;
  /** Answers when Redis does (a PING on the L2 connection). */
  probe: () => Promise<unknown>;
  probeEveryMs: number;
  onRecovered(pending: PendingInvalidations): Promise<void>;
}

/**
 * Tracks whether Redis answers. While it does not, the cache runs on L1 and the source, logs the outage
 * once a minute (not once per request), and remembers the invalidations made meanwhile: their L2 deletes
 * failed, so they are replayed when Redis is back — otherwise Redis would keep serving stale entries.
 */
export function createRedisHealth(d: Deps) {
  let down = false;
  let failures = 0;
  let lastLog = 0;
  let timer: NodeJS.Timeout | null = null;
  const empty = (flush = false): PendingInvalidations => ({ keys: new Set(), tags: new Set(), flush });
  let pending = empty();

  const merge = (from: PendingInvalidations) => {
    if (from.flush) pending = empty(true);
    if (pending.flush) return;
    from.keys.forEach((k) => pending.keys.add(k));
    from.tags.forEach((t) => pending.tags.add(t));
  };
  const isEmpty = (p: PendingInvalidations) => !p.flush && p.keys.size === 0 && p.tags.size === 0;

  const check = async () => {
    timer = null;
    let replayed = 0;
    try {
      await d.probe();
      // Invalidations made while replaying land in `pending` again (down is still true): loop until none.
      do {
        const replay = pending;
        pending = empty();
        replayed += replay.keys.size + replay.tags.size;
        await d.onRecovered(replay).catch((err: unknown) => {
          merge(replay);
          throw err;
        });
      } while (!isEmpty(pending));
    } catch {
      timer = setTimeout(() => void check(), d.probeEveryMs).unref();
      return;
    }
    down = false;
    d.log.info({ failures, replayed }, 'cache: Redis answers again; invalidations made meanwhile replayed');
    failures = 0;
  };

  return {
    available: () => !down,
    failed(source: 'redis' | 'bus' | 'connection', err: unknown) {
      if (source !== 'connection') d.metrics.error(source);
      failures++;
      const now = Date.now();
      if (!down || now - lastLog > LOG_EVERY_MS) {
        lastLog = now;
        d.log.warn(
          { err: err instanceof Error ? err.message : String(err), source, failures },
          'cache: Redis unavailable; serving from the in-process cache and the database',
        );
      }
      down = true;
      timer ??= setTimeout(() => void check(), d.probeEveryMs).unref();
    },
    /**
     * Call before and after the invalidation's Redis operation: before, in case Redis is known to be
     * down (the operation is skipped); after, in case this very operation found it down.
     * `all`: a pattern or flush, replayed as a flush.
     */
    remember(inv: { key?: string; tags?: string[]; all?: boolean }) {
      if (!down || pending.flush) return;
      if (inv.all) pending = empty(true);
      if (inv.key) pending.keys.add(inv.key);
      for (const t of inv.tags ?? []) pending.tags.add(t);
      if (pending.keys.size + pending.tags.size > MAX_PENDING) pending = empty(true);
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
