import { Type, type Static } from 'typebox';
import { Uuid } from '../../shared/http/index.ts';
import { PageQuery, TestStatusName, TestView } from '../tests/tests.schemas.ts';

export const JobIdParams = Type.Object({ id: Uuid });

export const JobView = Type.Object({ ...TestView.properties, jobId: Uuid, userId: Uuid });
export type JobView = Static<typeof JobView>;

export const ListJobsQuery = Type.Object({ ...PageQuery, status: Type.Optional(TestStatusName) }, { additionalProperties: false });
export type ListJobsQuery = Static<typeof ListJobsQuery>;

export const JobList = Type.Object({ items: Type.Array(JobView), nextCursor: Type.Union([Type.String(), Type.Null()]) });

const Count = Type.Integer({ minimum: 0 });

export const QueueStatus = Type.Object({
  driver: Type.Union([Type.Literal('bullmq'), Type.Literal('embedded')]),
  tests: Type.Object(
    { queued: Count, running: Count, completed: Count, failed: Count, cancelled: Count },
    { description: 'Tests per state in the database (the system of record)' },
  ),
  queue: Type.Object({ waiting: Count, active: Count, delayed: Count }, { description: 'Jobs per state as the queue holds them' }),
  workersOnline: Count,
  lastMinute: Type.Object({
    completed: Count,
    failed: Count,
    throughputPerMinute: Count,
    meanWaitMs: Type.Union([Type.Integer(), Type.Null()], { description: 'Created → started, for tests completed in the window' }),
    meanRunMs: Type.Union([Type.Integer(), Type.Null()], { description: 'Started → completed, for tests completed in the window' }),
  }),
});
export type QueueStatus = Static<typeof QueueStatus>;
