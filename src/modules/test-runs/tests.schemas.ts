import { Type, type Static } from 'typebox';
import { Uuid } from '../../shared/http/index.ts';

export const TEST_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const TestStatusName = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('completed'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);

/** A test's label: 1–32 of letters, digits and `_.:-` (the same as a schedule's tags). */
export const TestTag = Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_.:-]+$' });

export const CreateTestBody = Type.Object(
  {
    type: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'Engine name: performance, stress, api, seo, security, accessibility, website',
    }),
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'http(s) URL of the target' }),
    options: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Engine options; validated against the engine schema',
      }),
    ),
    priority: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10, default: 0, description: '0–10, higher runs sooner' }),
    ),
    tags: Type.Optional(
      Type.Array(TestTag, {
        maxItems: 20,
        uniqueItems: true,
        description: "Up to 20 labels (alert rules can be scoped by them); a schedule's runs carry its tags",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateTestBody = Static<typeof CreateTestBody>;

export const TestAccepted = Type.Object({ testId: Uuid, status: TestStatusName });

const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const TestView = Type.Object({
  testId: Uuid,
  type: Type.String(),
  url: Type.String(),
  status: TestStatusName,
  priority: Type.Integer(),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  message: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  startedAt: Timestamp,
  completedAt: Timestamp,
  retryCount: Type.Integer({ description: 'Manual retries of this test' }),
  attempts: Type.Integer({ description: 'Runs started since it was (re)queued, crashed runs included' }),
  error: Type.Union([Type.String(), Type.Null()]),
  options: Type.Record(Type.String(), Type.Unknown()),
  scheduleId: Type.Union([Uuid, Type.Null()], {
    description: 'The schedule that submitted it (null: by hand)',
  }),
  tags: Type.Array(Type.String(), {
    description: "Labels given at submission (a schedule's runs: its tags)",
  }),
});
export type TestView = Static<typeof TestView>;

const FindingView = Type.Object({
  severity: Type.String(),
  title: Type.String(),
  detail: Type.String(),
  recommendation: Type.String(),
});

export const TestResultView = Type.Object({
  testId: Uuid,
  type: Type.String(),
  url: Type.String(),
  passed: Type.Union([Type.Boolean(), Type.Null()]),
  score: Type.Union([Type.Number(), Type.Null()]),
  summary: Type.String(),
  metrics: Type.Record(Type.String(), Type.Number()),
  findings: Type.Array(FindingView),
  details: Type.Record(Type.String(), Type.Unknown()),
  completedAt: Timestamp,
});
export type TestResultView = Static<typeof TestResultView>;

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
};

export const ListTestsQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(TestStatusName),
    type: Type.Optional(Type.String({ maxLength: 64 })),
    scheduleId: Type.Optional(Type.String({ format: 'uuid', description: 'Only the runs of this schedule' })),
    search: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Only the tests whose URL contains this text (case-insensitive)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ListTestsQuery = Static<typeof ListTestsQuery>;

/** A row of the history: the test and, once it completed, its result's score. */
export const TestListItem = Type.Object({
  ...TestView.properties,
  score: Type.Union([Type.Number(), Type.Null()], {
    description: "The result's score (null until it completed, or for an engine without one)",
  }),
});
export type TestListItem = Static<typeof TestListItem>;

export const TestList = Type.Object({
  items: Type.Array(TestListItem),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const TestIdParams = Type.Object({ testId: Uuid });

export const JobIdParams = Type.Object({ id: Uuid });

export const JobView = Type.Object({ ...TestView.properties, jobId: Uuid, userId: Uuid });
export type JobView = Static<typeof JobView>;

export const ListJobsQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(TestStatusName) },
  { additionalProperties: false },
);
export type ListJobsQuery = Static<typeof ListJobsQuery>;

export const JobList = Type.Object({
  items: Type.Array(JobView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
