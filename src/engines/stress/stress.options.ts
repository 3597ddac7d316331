import { Type, type Static } from 'typebox';
import { Duration } from '../shared/duration.ts';
import { Headers } from '../shared/headers.ts';
import { THRESHOLD_PATTERN } from './thresholds.ts';

const Stage = Type.Object(
  {
    duration: Duration,
    target: Type.Integer({
      minimum: 0,
      maximum: 100_000,
      description: 'Users at the end of the stage (linear ramp from the previous target).',
    }),
  },
  { additionalProperties: false },
);

export const StressOptions = Type.Object(
  {
    method: Type.Union(
      [
        Type.Literal('GET'),
        Type.Literal('POST'),
        Type.Literal('PUT'),
        Type.Literal('PATCH'),
        Type.Literal('DELETE'),
        Type.Literal('HEAD'),
        Type.Literal('OPTIONS'),
      ],
      { default: 'GET' },
    ),
    headers: Type.Optional(Headers),
    body: Type.Optional(
      Type.Union(
        [
          Type.String({ maxLength: 1_048_576 }),
          Type.Record(Type.String(), Type.Unknown()),
          Type.Array(Type.Unknown()),
        ],
        { description: 'Text, or JSON (sent with content-type application/json).' },
      ),
    ),
    vus: Type.Integer({
      minimum: 1,
      maximum: 100_000,
      default: 10,
      description: 'Virtual users (peak users for ramp-up and spike; most requests in flight in rate mode).',
    }),
    duration: Type.Optional(Duration),
    pattern: Type.Union([Type.Literal('constant'), Type.Literal('ramp-up'), Type.Literal('spike')], {
      default: 'constant',
    }),
    startVus: Type.Integer({
      minimum: 0,
      maximum: 100_000,
      default: 0,
      description: 'Users at the start of ramp-up, and the baseline around a spike.',
    }),
    stages: Type.Optional(Type.Array(Stage, { minItems: 1, maxItems: 50 })),
    rate: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 1_000_000,
        description: 'Arrival-rate mode: requests started per second, whatever the latency.',
      }),
    ),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
    thresholds: Type.Array(Type.String({ pattern: THRESHOLD_PATTERN }), { default: [], maxItems: 20 }),
    insecureTls: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);
export type StressOptions = Static<typeof StressOptions>;
