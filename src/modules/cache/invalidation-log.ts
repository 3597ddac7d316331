import { TAG_KEY_PREFIX } from './cache-keys.ts';

const MAX_TRACKED = 10_000;

/**
 * Remembers recent invalidations so a load that started before one does not write its (possibly old)
 * value back afterwards — the classic read/invalidate race: a request reads the old row, the row changes
 * and the key is deleted, then the request stores what it read. Sequence numbers, not clocks, so
 * ordering is exact within the process. Bounded: past MAX_TRACKED entries, loads older than the
 * oldest forgotten invalidation are refused too.
 */
export interface InvalidationLog {
  /** A position to compare later loads against. */
  now(): number;
  key(key: string): void;
  tag(tag: string): void;
  /** A pattern or flush: any load in flight may be affected. */
  all(): void;
  /** Was anything touching `key` or one of `tags` invalidated after position `since`? */
  changedSince(since: number, key: string, tags: readonly string[]): boolean;
  /** Applies what another process invalidated (bentocache bus messages). */
  fromBus(type: string, keys: readonly string[]): void;
}

export function createInvalidationLog(): InvalidationLog {
  let seq = 0;
  let floor = 0;
  const last = new Map<string, number>();
  const mark = (id: string) => {
    last.delete(id);
    last.set(id, ++seq);
    if (last.size > MAX_TRACKED) {
      const [oldest, at] = last.entries().next().value as [string, number];
      last.delete(oldest);
      floor = Math.max(floor, at);
    }
  };
  const log: InvalidationLog = {
    now: () => seq,
    key: (key) => mark(`k:${key}`),
    tag: (tag) => mark(`t:${tag}`),
    all: () => void (floor = ++seq),
    changedSince(since, key, tags) {
      if (floor > since) return true;
      if ((last.get(`k:${key}`) ?? 0) > since) return true;
      return tags.some((t) => (last.get(`t:${t}`) ?? 0) > since);
    },
    fromBus(type, keys) {
      if (type === 'clear') return log.all();
      for (const k of keys) {
        if (k.startsWith(TAG_KEY_PREFIX)) log.tag(k.slice(TAG_KEY_PREFIX.length));
        else if (type === 'delete') log.key(k);
      }
    },
  };
  return log;
}
