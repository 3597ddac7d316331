import { Type, type Static } from 'typebox';

const Count = Type.Integer({ minimum: 0 });

export const QueueStatus = Type.Object({
  driver: Type.Union([Type.Literal('bullmq'), Type.Literal('embedded')]),
  tests: Type.Object(
    { queued: Count, running: Count, completed: Count, failed: Count, cancelled: Count },
    { description: 'Tests per state in the database (the system of record)' },
  ),
  queue: Type.Object(
    { waiting: Count, active: Count, delayed: Count },
    { description: 'Jobs per state as the queue holds them' },
  ),
  workersOnline: Count,
  lastMinute: Type.Object({
    completed: Count,
    failed: Count,
    throughputPerMinute: Count,
    meanWaitMs: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Created → started, for tests completed in the window',
    }),
    meanRunMs: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Started → completed, for tests completed in the window',
    }),
  }),
});
export type QueueStatus = Static<typeof QueueStatus>;
