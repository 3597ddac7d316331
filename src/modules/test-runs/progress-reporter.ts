import type { EventBus } from '../../shared/events/index.ts';
import type { TestEventBase } from '../../shared/events/events.ts';

interface Logger {
  warn(obj: object, msg: string): void;
}

export interface ProgressSink {
  /** Persists the latest progress (fenced by the attempt); called at most once per `dbIntervalMs`. */
  save(percent: number, message: string): Promise<void>;
}

const EVENT_INTERVAL_MS = 100;

/**
 * The engine's progress callback. Events carrying metrics (stress's per-second figures) are always
 * published — realtime charts need every second; bare percentages are thinned to one per 100 ms unless
 * the percentage moved. Database writes are throttled harder, since only the latest value matters.
 */
export function createProgressReporter(
  base: TestEventBase,
  events: EventBus,
  sink: ProgressSink,
  log: Logger,
  dbIntervalMs = 1000,
) {
  let lastEventAt = 0;
  let lastPercent = -1;
  let lastWriteAt = 0;
  let writing: Promise<void> = Promise.resolve();

  function write(percent: number, message: string, now: number): void {
    if (now - lastWriteAt < dbIntervalMs) return;
    lastWriteAt = now;
    // Chained so writes land in order and never pile up concurrently.
    writing = writing
      .then(() => sink.save(percent, message))
      .catch((err: unknown) => log.warn({ err, testId: base.testId }, 'progress write failed'));
  }

  return {
    report(percent: number, message: string, metrics?: Record<string, number>): void {
      const p = Math.max(0, Math.min(100, Math.round(Number.isFinite(percent) ? percent : 0)));
      const text = String(message ?? '').slice(0, 500);
      const now = Date.now();
      const due = metrics !== undefined || now - lastEventAt >= EVENT_INTERVAL_MS || p !== lastPercent;
      if (due) {
        lastEventAt = now;
        lastPercent = p;
        void events.publish('TestProgress', {
          ...base,
          progress: p,
          message: text,
          ...(metrics ? { metrics } : {}),
        });
      }
      write(p, text, now);
    },
    /** Waits for the last progress write, so it cannot land after the final status. */
    flush: () => writing,
  };
}
