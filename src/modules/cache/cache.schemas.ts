import { Type } from 'typebox';

const Rate = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);
const NamespaceStats = Type.Object({ hits: Type.Integer(), misses: Type.Integer(), hitRate: Rate });

export const CacheStatsSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('memory'), Type.Literal('memory+redis'), Type.Literal('none')], {
      description:
        'memory: in-process only; memory+redis: in-process L1 over Redis L2; none: CACHE_ENABLED=false',
    }),
    hits: Type.Integer({ description: 'Reads answered from the cache by this process since it started' }),
    misses: Type.Integer(),
    hitRate: Rate,
    namespaces: Type.Record(Type.String(), NamespaceStats, {
      description: 'Per key namespace: test:result, user:permissions, config, api, other',
    }),
    keys: Type.Object({
      l1: Type.Integer({ description: "Entries in this process's memory tier" }),
      l2: Type.Union([Type.Integer(), Type.Null()], {
        description: 'Entries in Redis (approximate past 100,000); null without Redis or while it is down',
      }),
    }),
    memory: Type.Object({
      l1Bytes: Type.Integer(),
      redisUsedBytes: Type.Union([Type.Integer(), Type.Null()], {
        description: "The whole Redis server's used_memory (shared with the queue)",
      }),
    }),
    redis: Type.Union([Type.Object({ available: Type.Boolean(), errors: Type.Integer() }), Type.Null()]),
  },
  { $id: 'CacheStats' },
);

const Key = Type.String({
  minLength: 1,
  maxLength: 512,
  pattern: '^[\\w:./@{}=&%+-]+$',
  description: 'An exact key, e.g. test:result:{testId}',
});
const Pattern = Type.String({
  minLength: 1,
  maxLength: 512,
  // The wildcard itself is checked by the route, which can then point at key= for a single key.
  pattern: '^[\\w:./@{}=&%+*?-]+$',
  description:
    'A glob with at least one * or ? (no [ ] or escapes), e.g. test:result:*; matched with SCAN, never KEYS. One exact key: use key=',
});
const Tag = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: '^[\\w:./@{}=&%+-]+$',
  description: 'A tag, e.g. test:{testId} or user:{userId}',
});

export const InvalidateQuery = Type.Object(
  { key: Type.Optional(Key), pattern: Type.Optional(Pattern), tag: Type.Optional(Tag) },
  { additionalProperties: false },
);

export const InvalidateResult = Type.Object({
  by: Type.Union([Type.Literal('key'), Type.Literal('pattern'), Type.Literal('tag')]),
  target: Type.String(),
  /** Only a pattern knows how many keys it removed. */
  deleted: Type.Union([Type.Integer(), Type.Null()]),
});

export const FlushResult = Type.Object({ flushed: Type.Literal(true) });
