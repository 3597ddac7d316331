import { ValidationError } from '../../shared/http/index.ts';
import { mad, median, MIN_BASELINE_RUNS, SUFFIXES } from './baseline.ts';
import type { BaselineRepository } from './baseline.repository.ts';
import type { Page } from './page.ts';
import type { LatestRun, TestRunsPort } from './ports.ts';
import type { ScheduleRunsRepository } from './schedule-runs.repository.ts';
import type { Viewer } from './schedule.repository.ts';
import type {
  HistoryQuery,
  HistoryView,
  ListRunsQuery,
  ScheduleRunView,
  SummaryView,
} from './schedules.schemas.ts';
import type { SchedulesService } from './schedules.service.ts';

const DAY_MS = 86_400_000;
/** The longest range one history request may cover. */
const MAX_RANGE_MS = 400 * DAY_MS;
const DEFAULT_RANGE_MS = 7 * DAY_MS;
const WINDOWS = [
  ['last24h', DAY_MS],
  ['last7d', 7 * DAY_MS],
  ['last30d', 30 * DAY_MS],
] as const;

export interface HistoryDeps {
  service: Pick<SchedulesService, 'found'>;
  runs: ScheduleRunsRepository;
  tests: TestRunsPort;
  baselines: Pick<BaselineRepository, 'load'>;
  now: () => Date;
}

/** Band of usual values: a robust z-score within ±3 of the window's median. */
const BAND_Z = 3;
const MAD_TO_SIGMA = 1.4826;

function latestView(r: LatestRun | null): HistoryView['latest'] {
  if (!r) return null;
  return {
    ...r,
    completedAt: new Date(r.completedAt).toISOString(),
    score: r.score === null ? null : Number(r.score),
  };
}

function rangeOf(q: HistoryQuery, now: Date): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (from >= to)
    throw new ValidationError('from must be before to', [
      { field: '/querystring/from', message: 'must be before to' },
    ]);
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw new ValidationError('the range is longer than 400 days', [
      { field: '/querystring/from', message: 'must be at most 400 days before to' },
    ]);
  return { from, to };
}

/** A schedule's metric series, its uptime-style summary and its ticks (owner-scoped through the service). */
export function createHistory(deps: HistoryDeps) {
  const { service, runs, tests, baselines } = deps;

  /** The metric's current baseline window as median and band (null: derived metric, or too few runs). */
  async function baselineOf(id: string, metric: string): Promise<HistoryView['baseline']> {
    if (SUFFIXES.some((s) => metric.endsWith(s))) return null;
    const samples = (await baselines.load(id, [metric])).get(metric);
    if (!samples || samples.length < MIN_BASELINE_RUNS) return null;
    const med = median(samples);
    const spread = mad(samples, med) * MAD_TO_SIGMA * BAND_Z;
    return { median: med, low: med - spread, high: med + spread, runs: samples.length };
  }
  return {
    /**
     * The metric over the schedule's completed runs in [from, to), cut into `points` equal time buckets
     * (at least 1 s wide) with min/avg/max and the runs in each; empty buckets are left out. Bounded
     * however many runs the range holds. With the metric's current baseline (median ± 3 robust σ).
     */
    async history(viewer: Viewer, id: string, q: HistoryQuery): Promise<HistoryView> {
      await service.found(viewer, id);
      const { from, to } = rangeOf(q, deps.now());
      const bucketMs = Math.max(1000, Math.ceil((to.getTime() - from.getTime()) / (q.points ?? 100)));
      const [buckets, latest, baseline] = await Promise.all([
        tests.series(id, q.metric, from, to, bucketMs),
        tests.latest(id),
        baselineOf(id, q.metric),
      ]);
      return {
        scheduleId: id,
        metric: q.metric,
        from: from.toISOString(),
        to: to.toISOString(),
        bucketMs,
        points: buckets.map((b) => ({
          at: new Date(from.getTime() + b.bucket * bucketMs).toISOString(),
          min: b.min,
          avg: b.avg,
          max: b.max,
          count: b.count,
        })),
        latest: latestView(latest),
        baseline,
      };
    },

    /** Runs, passes, failures and the success rate over the last 24 h, 7 d and 30 d, and the last failure. */
    async summary(viewer: Viewer, id: string): Promise<SummaryView> {
      await service.found(viewer, id);
      const now = deps.now();
      const since = WINDOWS.map(([, ms]) => new Date(now.getTime() - ms));
      const [counts, skipped, failure] = await Promise.all([
        tests.counts(id, since, now),
        runs.skippedSince(id, since),
        tests.lastFailure(id),
      ]);
      const windows = Object.fromEntries(
        WINDOWS.map(([name], i) => {
          const c = counts[i]!;
          return [name, { ...c, successRate: c.runs ? c.passed / c.runs : null, skipped: skipped[i]! }];
        }),
      ) as Pick<SummaryView, 'last24h' | 'last7d' | 'last30d'>;
      const lastFailure = failure
        ? {
            testId: failure.testId,
            at: new Date(failure.completedAt).toISOString(),
            reason: failure.error ?? failure.summary ?? 'failed',
          }
        : null;
      return { scheduleId: id, ...windows, lastFailure };
    },

    /** The schedule's ticks, newest first: what each became (queued, skipped and why, rejected). */
    async runs(viewer: Viewer, id: string, q: ListRunsQuery): Promise<Page<ScheduleRunView>> {
      await service.found(viewer, id);
      const page = await runs.list(id, q.limit ?? 20, q.cursor);
      return {
        items: page.items.map((r) => ({
          tickAt: new Date(r.tick_at).toISOString(),
          kind: r.kind,
          outcome: r.outcome,
          testId: r.outcome === 'queued' || r.outcome === 'pending' ? r.test_id : null,
          missed: r.missed,
          claimedAt: new Date(r.claimed_at).toISOString(),
          error: r.error,
        })),
        nextCursor: page.nextCursor,
      };
    },
  };
}

export type History = ReturnType<typeof createHistory>;
