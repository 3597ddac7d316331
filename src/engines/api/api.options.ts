import { Type, type Static } from 'typebox';
import { Headers } from '../shared/headers.ts';

const Query = Type.Record(Type.String({ minLength: 1 }), Type.String());
const Body = Type.Union(
  [
    Type.String({ maxLength: 1_048_576 }),
    Type.Record(Type.String(), Type.Unknown()),
    Type.Array(Type.Unknown()),
    Type.Number(),
    Type.Boolean(),
    Type.Null(),
  ],
  {
    description: 'A string is sent as text; anything else as JSON.',
  },
);
const Method = Type.Union(
  ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => Type.Literal(m)),
);

export const ASSERTION_SOURCES = [
  'status',
  'header',
  'jsonPath',
  'body',
  'responseTime',
  'jsonSchema',
] as const;
export const COMPARISONS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'matches',
  'lessThan',
  'greaterThan',
  'exists',
  'notExists',
  'in',
] as const;

export const Assertion = Type.Object(
  {
    source: Type.Union(ASSERTION_SOURCES.map((s) => Type.Literal(s))),
    property: Type.Optional(
      Type.String({ minLength: 1, maxLength: 500, description: 'Header name or JSON path.' }),
    ),
    comparison: Type.Union(
      COMPARISONS.map((c) => Type.Literal(c)),
      { default: 'equals' },
    ),
    target: Type.Optional(
      Type.Unknown({
        description:
          'Expected value; a list for `in`, a JSON Schema for `jsonSchema`, a regular expression for `matches`.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type Assertion = Static<typeof Assertion>;

const Extract = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
    source: Type.Union([
      Type.Literal('jsonPath'),
      Type.Literal('header'),
      Type.Literal('status'),
      Type.Literal('body'),
    ]),
    property: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type Extract = Static<typeof Extract>;

export const Step = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    method: Type.Optional(Method),
    url: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 4096,
        description: 'Absolute, or relative to the test URL; may use {{variables}}.',
      }),
    ),
    headers: Type.Optional(Headers),
    query: Type.Optional(Query),
    body: Type.Optional(Body),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    assertions: Type.Array(Assertion, { default: [], maxItems: 50 }),
    extract: Type.Array(Extract, { default: [], maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type Step = Static<typeof Step>;

export const ApiOptions = Type.Object(
  {
    method: Type.Optional(Method),
    headers: Type.Optional(Headers),
    query: Type.Optional(Query),
    body: Type.Optional(Body),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
    followRedirects: Type.Boolean({ default: true }),
    maxRedirects: Type.Integer({ minimum: 0, maximum: 20, default: 5 }),
    insecureTls: Type.Boolean({ default: false }),
    assertions: Type.Array(Assertion, {
      default: [],
      maxItems: 50,
      description: 'Checked on the request, or on every step when there are steps.',
    }),
    steps: Type.Optional(Type.Array(Step, { minItems: 1, maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type ApiOptions = Static<typeof ApiOptions>;
