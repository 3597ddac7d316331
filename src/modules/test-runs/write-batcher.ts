/** Runs one batch; returns one answer per item, in the items' order. */
export type BatchRunner<I, O> = (items: I[]) => Promise<O[]>;

export interface WriteBatcherOptions<I, O> {
  /** The batch statement. */
  batch: BatchRunner<I, O>;
  /** The same write for one item: used when a batch fails, so one bad item cannot fail its neighbours. */
  single: (item: I) => Promise<O>;
  /** Items per statement at most. */
  maxBatch?: number;
  /** Batches in flight at once at most; more items wait and join the next batch. */
  maxInFlight?: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces concurrent single-row writes into one statement. Nothing waits on a timer: the items that
 * arrive in the same turn of the event loop, or while `maxInFlight` batches are out, go together, so
 * an idle worker writes at once and a busy one writes in batches that grow with the load.
 */
export function createWriteBatcher<I, O>(opts: WriteBatcherOptions<I, O>): (item: I) => Promise<O> {
  const maxBatch = opts.maxBatch ?? 100;
  const maxInFlight = opts.maxInFlight ?? 2;
  let pending: Pending<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function runBatch(taken: Pending<I, O>[]): Promise<void> {
    try {
      const out = await opts.batch(taken.map((p) => p.item));
      taken.forEach((p, i) => p.resolve(out[i]!));
    } catch {
      // One statement for all failed (a deadlock, a value one row could not take): each on its own.
      await Promise.all(
        taken.map((p) =>
          opts.single(p.item).then(
            (o) => p.resolve(o),
            (err: unknown) => p.reject(err),
          ),
        ),
      );
    }
  }

  function flush(): void {
    scheduled = false;
    while (pending.length > 0 && inFlight < maxInFlight) {
      const taken = pending.slice(0, maxBatch);
      pending = pending.slice(taken.length);
      inFlight++;
      void runBatch(taken).finally(() => {
        inFlight--;
        schedule();
      });
    }
  }

  function schedule(): void {
    if (scheduled || pending.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    setImmediate(flush);
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      schedule();
    });
}
