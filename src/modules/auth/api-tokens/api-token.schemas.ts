import { Type, type Static } from 'typebox';
import { API_TOKEN_SCOPES, type ApiTokenScope } from './scopes.ts';

export const TOKEN_NAME_MAX = 100;
/** The latest expiry a token may be given, from its creation. */
export const MAX_TOKEN_LIFETIME_DAYS = 366;

const Scope = Type.Union(
  [
    Type.Literal('tests:read'),
    Type.Literal('tests:write'),
    Type.Literal('schedules:write'),
    Type.Literal('alerts:write'),
    Type.Literal('admin'),
  ],
  { description: 'docs/API_TOKENS.md has the table of what each scope allows' },
);
// The schema lists exactly API_TOKEN_SCOPES (a compile error here when one is added to scopes.ts only).
const _sameScopes: [Static<typeof Scope>] extends [ApiTokenScope]
  ? [ApiTokenScope] extends [Static<typeof Scope>]
    ? true
    : never
  : never = true;
void _sameScopes;

export const CreateApiTokenBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: TOKEN_NAME_MAX,
      description: `1–${TOKEN_NAME_MAX} characters, stored trimmed (say where it is used: "ci-nightly")`,
    }),
    scopes: Type.Array(Scope, { minItems: 1, maxItems: API_TOKEN_SCOPES.length, uniqueItems: true }),
    expiresAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: `In the future, at most ${MAX_TOKEN_LIFETIME_DAYS} days ahead; omitted: the token does not expire`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateApiTokenBody = Static<typeof CreateApiTokenBody>;

export const ApiTokenView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the token, to tell tokens apart' }),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Updated at most once a minute',
  }),
});
export type ApiTokenView = Static<typeof ApiTokenView>;

export const CreatedApiToken = Type.Intersect([
  ApiTokenView,
  Type.Object({
    token: Type.String({ description: 'The token itself: shown this once, only its hash is kept' }),
  }),
]);

export const ApiTokenList = Type.Object({ items: Type.Array(ApiTokenView) });
