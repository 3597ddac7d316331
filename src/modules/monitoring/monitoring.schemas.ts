import { Type, type Static, type TProperties } from 'typebox';
import { METRIC_NAMES } from './sample-catalog.ts';

const Status = Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('down')]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ format: 'date-time' });

/** A component of the overview: its status, why, and its figures. */
const component = <P extends TProperties>(properties: P) =>
  Type.Object({
    status: Status,
    reason: Type.String({ description: 'Why the component has this status, in words' }),
    ...properties,
  });

export const InstanceView = Type.Object({
  id: Type.String({ description: 'hostname:pid:random, as on the tests the process runs' }),
  role: Type.Union([Type.Literal('api'), Type.Literal('worker'), Type.Literal('api+worker')]),
  host: Type.String(),
  pid: Type.Integer(),
  version: Type.String(),
  startedAt: Time,
  lastHeartbeat: Time,
  stoppedAt: Nullable(Time),
  concurrency: Type.Integer({ description: 'Worker slots (0: no worker in this process)' }),
  running: Type.Integer({ description: 'Tests running in it at its last heartbeat' }),
  status: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('stopped')], {
    description: 'down: missed three heartbeats; stopped: shut down gracefully',
  }),
  missedHeartbeats: Type.Integer({ minimum: 0 }),
});
export type InstanceView = Static<typeof InstanceView>;

export const Overview = Type.Object({
  status: Status,
  at: Time,
  instances: component({
    up: Type.Integer(),
    down: Type.Integer(),
    stopped: Type.Integer(),
    items: Type.Array(InstanceView, { description: 'Instances seen within the last hour, newest first' }),
  }),
  queue: component({
    waiting: Nullable(Type.Integer()),
    active: Nullable(Type.Integer()),
    delayed: Nullable(Type.Integer()),
    workers: Type.Integer({ description: 'Worker processes up' }),
    slots: Type.Integer({ description: 'Their concurrency, summed' }),
  }),
  apiLatency: component({
    p95Seconds: Nullable(Type.Number({ description: 'Worst API process, last minute' })),
    requestsPerMinute: Type.Number(),
  }),
  errorRate: component({
    ratio: Nullable(
      Type.Number({ description: '5xx responses / responses, last minute, all API processes' }),
    ),
    requestsPerMinute: Type.Number(),
  }),
  cache: component({
    hitRatio: Nullable(Type.Number()),
    errorsPerMinute: Type.Number(),
  }),
  websocket: component({ connections: Type.Integer() }),
  database: component({ rttSeconds: Nullable(Type.Number()) }),
  redis: Nullable(component({ rttSeconds: Nullable(Type.Number()) })),
});
export type Overview = Static<typeof Overview>;

export const SeriesQuery = Type.Object(
  {
    metric: Type.Union(
      METRIC_NAMES.map((m) => Type.Literal(m)),
      { description: 'A figure of the platform samples' },
    ),
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Start (ISO 8601); default to − 1 h' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date-time', description: 'End (ISO 8601), after from; default now' }),
    ),
    step: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{0,8}(ms|s|m|h)?$',
        description:
          'Point spacing such as 10s, 1m, 1h (a bare number is seconds); at least MONITORING_INTERVAL',
      }),
    ),
    instance: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'One instance only' })),
  },
  { additionalProperties: false },
);
export type SeriesQuery = Static<typeof SeriesQuery>;

export const Series = Type.Object({
  metric: Type.String(),
  unit: Type.String({ description: 'ratio, bytes, seconds, count or per_minute' }),
  description: Type.String(),
  from: Time,
  to: Time,
  stepSeconds: Type.Number(),
  points: Type.Array(Type.Object({ t: Time, value: Type.Number() }), {
    description: 'One per step that has samples, oldest first (steps without samples are left out)',
  }),
});
export type Series = Static<typeof Series>;

export const InstancesQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 300, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);
export type InstancesQuery = Static<typeof InstancesQuery>;

export const InstanceList = Type.Object({
  items: Type.Array(InstanceView),
  nextCursor: Nullable(Type.String()),
});
