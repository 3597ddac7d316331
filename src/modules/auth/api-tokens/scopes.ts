/**
 * What a personal API token may do: its scopes, and the one table that says which scope each route needs.
 * docs/API_TOKENS.md shows the same table; test/auth/api-token-scopes.test.ts checks that every route of the
 * OpenAPI document matches a rule here (no route is left to the fallback).
 */
export const API_TOKEN_SCOPES = [
  'tests:read',
  'tests:write',
  'schedules:write',
  'alerts:write',
  'admin',
] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/**
 * A route's answer for API tokens: the scope it needs, `any` (every valid token, whatever its scopes), or
 * `refused` (a real sign-in is needed).
 */
export type RouteScope = ApiTokenScope | 'any' | 'refused';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ScopeRule {
  /** Matched against the route's path pattern as registered (`/api/tests/:testId`), never the raw URL. */
  path: string | RegExp;
  /** Omitted: every method. */
  methods?: readonly Method[];
  scope: RouteScope;
  why: string;
}

const READ: readonly Method[] = ['GET', 'HEAD'];
const WRITE: readonly Method[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** `/api/x` matches `/api/x` and `/api/x/...`, not `/api/xy`. */
function under(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:/|$)`);
}

/** First match wins. Order: exceptions before the prefix they belong to. */
export const SCOPE_RULES: readonly ScopeRule[] = [
  {
    path: '/api/auth/me',
    methods: READ,
    scope: 'any',
    why: 'who the token belongs to (CI checks which account it runs as)',
  },
  {
    path: '/api/auth/tokens/current',
    methods: ['DELETE'],
    scope: 'any',
    why: 'a token may revoke itself (testweb logout): a leaked token revoking itself harms no one',
  },
  {
    path: under('/api/auth'),
    scope: 'refused',
    why: 'token management, password, e-mail, MFA, OAuth links and sessions need a real sign-in: a leaked token must not mint tokens or take over the account',
  },
  { path: under('/api/tests'), methods: READ, scope: 'tests:read', why: 'tests, results and your quota' },
  {
    path: under('/api/engines'),
    methods: READ,
    scope: 'tests:read',
    why: 'the test types and their options',
  },
  { path: under('/api/tests'), methods: WRITE, scope: 'tests:write', why: 'submit a test' },
  { path: under('/api/queue/jobs'), methods: READ, scope: 'tests:read', why: 'your jobs in the queue' },
  { path: under('/api/queue/jobs'), methods: WRITE, scope: 'tests:write', why: 'cancel or retry your job' },
  { path: under('/api/queue'), methods: READ, scope: 'tests:read', why: 'queue status' },
  {
    path: under('/api/schedules'),
    methods: READ,
    scope: 'tests:read',
    why: 'schedules and their history are test data',
  },
  {
    path: under('/api/schedules'),
    methods: WRITE,
    scope: 'schedules:write',
    why: 'create, change, pause, run schedules',
  },
  { path: under('/api/alerts'), methods: READ, scope: 'tests:read', why: 'alert rules and history' },
  {
    path: under('/api/alerts'),
    methods: WRITE,
    scope: 'alerts:write',
    why: 'create, change, delete alert rules and channels',
  },
  {
    path: under('/api/notifications'),
    methods: READ,
    scope: 'tests:read',
    why: 'read your inbox (test outcomes)',
  },
  {
    path: under('/api/notifications'),
    methods: WRITE,
    scope: 'refused',
    why: 'the inbox and its preferences are the person’s: a script marking them read would hide failures from them',
  },
  { path: under('/api/realtime'), scope: 'tests:read', why: 'the long-poll fallback of /ws' },
  {
    path: under('/api/admin'),
    scope: 'admin',
    why: 'administration; the user must still be an admin when the token is used',
  },
  { path: under('/api/cache'), scope: 'admin', why: 'cache administration' },
  { path: under('/api/monitoring'), scope: 'admin', why: 'platform monitoring' },
];

/** Not in the table: refused, so a route added later is closed to tokens until someone decides. */
export const FALLBACK_SCOPE: RouteScope = 'refused';

/** The rule for a route, or null when none matches (the route then falls back to `refused`). */
export function ruleFor(method: string, path: string): ScopeRule | null {
  const m = method.toUpperCase();
  for (const rule of SCOPE_RULES) {
    if (rule.methods && !rule.methods.includes(m as Method)) continue;
    if (typeof rule.path === 'string' ? rule.path === path : rule.path.test(path)) return rule;
  }
  return null;
}

/** Cached per route: the guard asks on every request with a token. */
const resolved = new Map<string, RouteScope>();

export function scopeFor(method: string, path: string): RouteScope {
  const key = `${method} ${path}`;
  let scope = resolved.get(key);
  if (scope === undefined) {
    scope = ruleFor(method, path)?.scope ?? FALLBACK_SCOPE;
    if (resolved.size < 10_000) resolved.set(key, scope);
  }
  return scope;
}

export function isApiTokenScope(value: string): value is ApiTokenScope {
  return (API_TOKEN_SCOPES as readonly string[]).includes(value);
}
