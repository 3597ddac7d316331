/** A counting semaphore whose waiters are served first in, first out. */
export interface Semaphore {
  /** Resolves with a release function once a slot is free; rejects with the signal's reason if it aborts first. */
  acquire(signal: AbortSignal): Promise<() => void>;
  /** Sessions running now, and callers waiting for a slot. */
  stats(): { running: number; waiting: number };
}

interface Waiter {
  grant(release: () => void): void;
}

export function createSemaphore(slots: number): Semaphore {
  let running = 0;
  const queue: Waiter[] = [];
  const releaser = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      // The slot passes straight to the next waiter, so a late arrival cannot overtake the queue.
      if (next) next.grant(releaser());
      else running--;
    };
  };
  return {
    stats: () => ({ running, waiting: queue.length }),
    acquire(signal) {
      signal.throwIfAborted();
      if (running < slots && queue.length === 0) {
        running++;
        return Promise.resolve(releaser());
      }
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          // A cancelled waiter leaves the queue at once instead of holding its place.
          const at = queue.indexOf(waiter);
          if (at >= 0) queue.splice(at, 1);
          reject(signal.reason);
        };
        const waiter: Waiter = {
          grant(release) {
            signal.removeEventListener('abort', onAbort);
            resolve(release);
          },
        };
        queue.push(waiter);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
