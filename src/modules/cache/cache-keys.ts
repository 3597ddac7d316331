import type { CacheConfig } from '../../config/cache-config.ts';

/**
 * The key design of the seed: `{namespace}:{id}`. A key's namespace picks its default TTL and the
 * per-namespace hit/miss counters; tags group entries for invalidation across namespaces.
 */
export const CACHE_NAMESPACES = ['test:result', 'user:permissions', 'config', 'api'] as const;
export type CacheNamespace = (typeof CACHE_NAMESPACES)[number] | 'other';

export const cacheKeys = {
  testResult: (testId: string) => `test:result:${testId}`,
  userPermissions: (userId: string) => `user:permissions:${userId}`,
  config: (key: string) => `config:${key}`,
  /** `hash` covers the user and the normalized query, so one user's response never serves another. */
  apiResponse: (method: string, path: string, hash: string) => `api:${method}:${path}:${hash}`,
};

/** Admins' lists show every test; user ids are UUIDs, so this never names a user's tag. */
const ALL_TESTS_TAG = 'tests:all';

export const cacheTags = {
  /** Everything derived from one test (its result, responses of routes about it). */
  test: (testId: string) => `test:${testId}`,
  /** Everything cached for one user (responses, permissions). */
  user: (userId: string) => `user:${userId}`,
  /** A viewer's test list views (GET /api/tests): a user's own, or (admins) everyone's. */
  testList: (viewer: { id: string; role: 'user' | 'admin' }) =>
    viewer.role === 'admin' ? ALL_TESTS_TAG : `tests:${viewer.id}`,
  /** The test list tags a change to one of `userId`'s tests drops: theirs and the admins'. */
  testListsOf: (userId: string) => [`tests:${userId}`, ALL_TESTS_TAG],
};

/** bentocache keeps tag invalidation stamps under this prefix in the same store; they are not entries. */
export const TAG_KEY_PREFIX = '___bc:t:';

export function namespaceOf(key: string): CacheNamespace {
  for (const ns of CACHE_NAMESPACES) if (key.startsWith(`${ns}:`)) return ns;
  return 'other';
}

export function defaultTtlMs(key: string, ttl: CacheConfig['ttl']): number {
  switch (namespaceOf(key)) {
    case 'test:result':
      return ttl.testResultMs;
    case 'user:permissions':
      return ttl.userPermissionsMs;
    case 'config':
      return ttl.configMs;
    default:
      return ttl.apiResponseMs;
  }
}

/**
 * Invalidation patterns are Redis globs restricted to `*` and `?`, so the same pattern means the same
 * thing to Redis SCAN MATCH and to the in-process matcher (no `[...]` classes or escapes).
 */
export const PATTERN_RE = /^[\w:./@{}=&%+-]*[*?][\w:./@{}=&%+*?-]*$/;
export const KEY_RE = /^[\w:./@{}=&%+-]{1,512}$/;

export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
