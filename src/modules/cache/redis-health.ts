import type { CacheMetrics } from './cache-metrics.ts';

const MAX_PENDING = 10_000;
const LOG_EVERY_MS = 60_000;

export interface PendingInvalidations {
  keys: string[];
  tags: string[];
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
  let pending: PendingInvalidations = { keys: [], tags: [], flush: false };

  const check = async () => {
    timer = null;
    try {
      await d.probe();
    } catch {
      timer = setTimeout(() => void check(), d.probeEveryMs).unref();
      return;
    }
    const replay = pending;
    pending = { keys: [], tags: [], flush: false };
    down = false;
    d.log.info({ failures, replayedKeys: replay.keys.length, replayedTags: replay.tags.length, flush: replay.flush }, 'cache: Redis answers again');
    failures = 0;
    await d.onRecovered(replay).catch(() => undefined);
  };

  return {
    available: () => !down,
    failed(source: 'redis' | 'bus' | 'connection', err: unknown) {
      if (source !== 'connection') d.metrics.error(source);
      failures++;
      const now = Date.now();
      if (!down || now - lastLog > LOG_EVERY_MS) {
        lastLog = now;
        d.log.warn({ err: err instanceof Error ? err.message : String(err), source, failures }, 'cache: Redis unavailable; serving from the in-process cache and the database');
      }
      down = true;
      timer ??= setTimeout(() => void check(), d.probeEveryMs).unref();
    },
    /** `all`: a pattern or flush, replayed as a flush. */
    remember(inv: { key?: string; tags?: string[]; all?: boolean }) {
      if (!down || pending.flush) return;
      if (inv.all) pending = { keys: [], tags: [], flush: true };
      if (inv.key) pending.keys.push(inv.key);
      if (inv.tags) pending.tags.push(...inv.tags);
      if (pending.keys.length + pending.tags.length > MAX_PENDING) pending = { keys: [], tags: [], flush: true };
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
