import type { EventBus } from '../../shared/events/index.ts';

/** One per-second point of a running test, as its TestProgress carried it. */
export interface LivePoint {
  /** When the point was reported, ms since the epoch. */
  at: number;
  metrics: Record<string, number>;
}

export interface LiveSeriesOptions {
  /** Points kept per test (the oldest are dropped beyond it). */
  maxPoints?: number;
  /** Tests kept (the least recently reported is forgotten beyond it). */
  maxTests?: number;
  /** How long a finished test's points stay (its result holds the stored series after that). */
  keepFinishedMs?: number;
}

export interface LiveSeries {
  points(testId: string): LivePoint[];
  stop(): void;
}

/**
 * The per-second points of running tests (stress's TestProgress metrics), kept in memory so a dashboard
 * opened or reloaded mid-run can draw what it missed before the live stream continues. Every API process
 * hears every test event (the bus fans out in services mode), so each holds the same points. Bounded:
 * `maxPoints` per test, `maxTests` tests; a finished test's points are dropped after `keepFinishedMs`,
 * a restarted attempt starts over. A restart of the process loses them (the completed result's
 * `details.series` is the stored copy).
 */
export function createLiveSeries(events: EventBus, opts: LiveSeriesOptions = {}): LiveSeries {
  const maxPoints = opts.maxPoints ?? 3600;
  const maxTests = opts.maxTests ?? 200;
  const keepFinishedMs = opts.keepFinishedMs ?? 5 * 60_000;
  const byTest = new Map<string, LivePoint[]>();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const forgetLater = (testId: string) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      byTest.delete(testId);
    }, keepFinishedMs);
    timer.unref?.();
    timers.add(timer);
  };

  const unsubscribers = [
    events.subscribe('TestStarted', ({ testId }) => void byTest.delete(testId)),
    events.subscribe('TestProgress', ({ testId, metrics }) => {
      if (!metrics) return;
      let points = byTest.get(testId);
      if (points)
        byTest.delete(testId); // re-inserted last: the Map's order is recency
      else points = [];
      points.push({ at: Date.now(), metrics: { ...metrics } });
      if (points.length > maxPoints) points.splice(0, points.length - maxPoints);
      byTest.set(testId, points);
      while (byTest.size > maxTests) byTest.delete(byTest.keys().next().value!);
    }),
    events.subscribe('TestCompleted', ({ testId }) => forgetLater(testId)),
    events.subscribe('TestFailed', ({ testId }) => forgetLater(testId)),
    events.subscribe('TestCancelled', ({ testId }) => forgetLater(testId)),
  ];

  return {
    points: (testId) => [...(byTest.get(testId) ?? [])],
    stop() {
      unsubscribers.forEach((u) => u());
      timers.forEach(clearTimeout);
      timers.clear();
      byTest.clear();
    },
  };
}
