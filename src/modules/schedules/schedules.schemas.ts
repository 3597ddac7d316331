import { Type, type Static } from 'typebox';
import { Uuid } from '../../shared/http/index.ts';

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const Tag = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.:-]+$' });
/** Metric names as engines report them (snake_case), including the derived `_baseline`, `_delta_pct`, `_zscore`. */
const MetricName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' });

export const ScheduleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    type: Type.String({ minLength: 1, maxLength: 64, description: 'Engine name, as for POST /api/tests' }),
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'http(s) URL of the target' }),
    options: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Engine options; validated against the engine schema as POST /api/tests does',
      }),
    ),
    priority: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10, description: '0–10, higher runs sooner' }),
    ),
    interval: Type.Optional(
      Type.String({
        maxLength: 16,
        description: '"30s" … "7d" (s, m, h, d), at least SCHEDULE_MIN_INTERVAL. Give interval or cron.',
      }),
    ),
    cron: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description:
          'Cron expression: 5 fields, or 6 with seconds first (croner syntax). Give interval or cron.',
      }),
    ),
    timezone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'IANA time zone of the cron expression (UTC)',
      }),
    ),
    enabled: Type.Optional(
      Type.Boolean({ description: 'false: saved paused (PUT: unchanged when left out)' }),
    ),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 20, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type ScheduleBody = Static<typeof ScheduleBody>;

export const ScheduleCounters = Type.Object({
  runs: Type.Integer({ description: 'Ticks whose run was queued' }),
  skippedOverlap: Type.Integer({ description: 'Ticks skipped while the previous run was queued or running' }),
  skippedLimit: Type.Integer({ description: "Ticks skipped at the owner's active-tests limit" }),
  skippedQuota: Type.Integer({ description: "Ticks skipped at the owner's daily test quota" }),
  rejected: Type.Integer({ description: 'Ticks whose definition no longer validated' }),
});

export const ScheduleView = Type.Object({
  id: Uuid,
  userId: Uuid,
  name: Type.String(),
  type: Type.String(),
  url: Type.String(),
  options: Type.Record(Type.String(), Type.Unknown()),
  priority: Type.Integer(),
  interval: Type.Union([Type.String(), Type.Null()]),
  cron: Type.Union([Type.String(), Type.Null()]),
  timezone: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  tags: Type.Array(Type.String()),
  nextRunAt: Timestamp,
  lastRunAt: Timestamp,
  counters: ScheduleCounters,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ScheduleView = Static<typeof ScheduleView>;

export const ScheduleIdParams = Type.Object({ id: Uuid });

const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
};

export const ListSchedulesQuery = Type.Object(
  {
    ...PageQuery,
    enabled: Type.Optional(Type.Boolean({ description: 'true: running schedules; false: paused ones' })),
    tag: Type.Optional(Tag),
  },
  { additionalProperties: false },
);
export type ListSchedulesQuery = Static<typeof ListSchedulesQuery>;

export const ScheduleList = Type.Object({
  items: Type.Array(ScheduleView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const RunAccepted = Type.Object({ testId: Uuid, status: Type.Literal('queued') });

export const ScheduleRunView = Type.Object({
  tickAt: Type.String({ format: 'date-time' }),
  kind: Type.Union([Type.Literal('tick'), Type.Literal('catch-up'), Type.Literal('manual')]),
  outcome: Type.Union([
    Type.Literal('pending'),
    Type.Literal('queued'),
    Type.Literal('skipped_overlap'),
    Type.Literal('skipped_limit'),
    Type.Literal('skipped_quota'),
    Type.Literal('rejected'),
  ]),
  testId: Type.Union([Uuid, Type.Null()]),
  missed: Type.Integer({ description: 'Ticks missed (downtime) that this catch-up run stands for' }),
  claimedAt: Type.String({ format: 'date-time' }),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type ScheduleRunView = Static<typeof ScheduleRunView>;

export const ListRunsQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export type ListRunsQuery = Static<typeof ListRunsQuery>;

export const ScheduleRunList = Type.Object({
  items: Type.Array(ScheduleRunView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const HistoryQuery = Type.Object(
  {
    metric: MetricName,
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Start (default: 7 days before to)' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End (default: now)' })),
    points: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Buckets the range is cut into' }),
    ),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HistoryQuery>;

const LatestResult = Type.Union([
  Type.Object({
    testId: Uuid,
    status: Type.Union([Type.Literal('completed'), Type.Literal('failed')]),
    completedAt: Type.String({ format: 'date-time' }),
    passed: Type.Union([Type.Boolean(), Type.Null()]),
    score: Type.Union([Type.Number(), Type.Null()]),
    summary: Type.Union([Type.String(), Type.Null()]),
    error: Type.Union([Type.String(), Type.Null()]),
    metrics: Type.Record(Type.String(), Type.Number()),
  }),
  Type.Null(),
]);

export const HistoryView = Type.Object({
  scheduleId: Uuid,
  metric: Type.String(),
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  bucketMs: Type.Integer({ description: 'Width of each bucket' }),
  points: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time', description: 'Start of the bucket' }),
      min: Type.Number(),
      avg: Type.Number(),
      max: Type.Number(),
      count: Type.Integer({ description: 'Runs in the bucket' }),
    }),
  ),
  latest: LatestResult,
  baseline: Type.Union(
    [
      Type.Object({
        median: Type.Number({ description: "Median of the metric's baseline window" }),
        low: Type.Number({ description: 'median − 3 × 1.4826 × MAD (robust z-score −3)' }),
        high: Type.Number({ description: 'median + 3 × 1.4826 × MAD (robust z-score +3)' }),
        runs: Type.Integer({ description: 'Successful runs in the window' }),
      }),
      Type.Null(),
    ],
    {
      description:
        'The current baseline of the metric (its band of usual values); null for a derived metric or before 5 successful runs',
    },
  ),
});
export type HistoryView = Static<typeof HistoryView>;

const WindowSummary = Type.Object({
  runs: Type.Integer({ description: 'Runs that finished (completed or failed) in the window' }),
  passed: Type.Integer(),
  failed: Type.Integer({ description: 'Failed, or completed with passed = false' }),
  successRate: Type.Union([Type.Number(), Type.Null()], { description: 'passed / runs; null without runs' }),
  skipped: Type.Integer({ description: 'Ticks skipped (overlap, limit, quota) or rejected in the window' }),
});

export const SummaryView = Type.Object({
  scheduleId: Uuid,
  last24h: WindowSummary,
  last7d: WindowSummary,
  last30d: WindowSummary,
  lastFailure: Type.Union([
    Type.Object({
      testId: Uuid,
      at: Type.String({ format: 'date-time' }),
      reason: Type.String({
        description: "The test's error, or its summary when it completed with passed = false",
      }),
    }),
    Type.Null(),
  ]),
});
export type SummaryView = Static<typeof SummaryView>;
