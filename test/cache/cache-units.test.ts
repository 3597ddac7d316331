import { describe, expect, it } from 'vitest';
import { globToRegExp, namespaceOf, PATTERN_RE } from '../../src/modules/cache/cache-keys.ts';
import { createInvalidationLog } from '../../src/modules/cache/invalidation-log.ts';
import { createPassThroughCache } from '../../src/modules/cache/pass-through-cache.ts';
import { normalizeQuery } from '../../src/modules/cache/response-cache.hook.ts';

describe('cache keys and patterns', () => {
  it('finds the namespace of a key', () => {
    expect(namespaceOf('test:result:abc')).toBe('test:result');
    expect(namespaceOf('user:permissions:u1')).toBe('user:permissions');
    expect(namespaceOf('config:site')).toBe('config');
    expect(namespaceOf('api:GET:/api/x:h')).toBe('api');
    expect(namespaceOf('test:other')).toBe('other');
  });

  it('matches globs with * and ? the way Redis MATCH does, treating everything else literally', () => {
    const re = globToRegExp('api:GET:/api/tests/*?.x');
    expect(re.test('api:GET:/api/tests/abc1.x')).toBe(true);
    expect(re.test('api:GET:/api/tests/.x')).toBe(false);
    expect(re.test('api:GET:/api/tests/abc1Xx')).toBe(false);
    expect(globToRegExp('a+b{1}').test('a+b{1}')).toBe(true);
  });

  it('accepts only patterns with a wildcard and without classes or escapes', () => {
    expect(PATTERN_RE.test('test:result:*')).toBe(true);
    expect(PATTERN_RE.test('test:result:')).toBe(false);
    expect(PATTERN_RE.test('test:[ab]*')).toBe(false);
    expect(PATTERN_RE.test('test:\\*')).toBe(false);
  });

  it('normalizes query strings by parameter name, keeping the order of repeated values', () => {
    expect(normalizeQuery('b=2&a=1')).toBe(normalizeQuery('a=1&b=2'));
    expect(normalizeQuery('a=2&a=1')).not.toBe(normalizeQuery('a=1&a=2'));
    expect(normalizeQuery('')).toBe('');
  });
});

describe('invalidation log', () => {
  it('reports keys and tags invalidated after a position, and nothing before', () => {
    const log = createInvalidationLog();
    log.key('k1');
    const since = log.now();
    expect(log.changedSince(since, 'k1', [])).toBe(false);
    log.tag('t1');
    expect(log.changedSince(since, 'k2', ['t1'])).toBe(true);
    expect(log.changedSince(since, 'k2', ['t2'])).toBe(false);
    log.all();
    expect(log.changedSince(since, 'anything', [])).toBe(true);
  });

  it('applies bus messages from other processes', () => {
    const log = createInvalidationLog();
    const since = log.now();
    log.fromBus('delete', ['k1']);
    log.fromBus('set', ['___bc:t:t1', 'k2']);
    expect(log.changedSince(since, 'k1', [])).toBe(true);
    expect(log.changedSince(since, 'k2', [])).toBe(false);
    expect(log.changedSince(since, 'x', ['t1'])).toBe(true);
  });

  it('stays bounded and errs on the side of not storing once it forgets', () => {
    const log = createInvalidationLog();
    const since = log.now();
    for (let i = 0; i < 10_001; i++) log.key(`k${i}`);
    // k0 was forgotten; a load that started before it must still not be stored.
    expect(log.changedSince(since, 'k0', [])).toBe(true);
    const later = log.now();
    expect(log.changedSince(later, 'k0', [])).toBe(false);
  });
});

describe('CACHE_ENABLED=false', () => {
  it('stores nothing and counts every read as a miss', async () => {
    const cache = createPassThroughCache();
    let calls = 0;
    await cache.wrap('test:result:x', undefined, async () => ++calls);
    await cache.wrap('test:result:x', undefined, async () => ++calls);
    await cache.set('config:a', 1);
    expect(calls).toBe(2);
    expect(await cache.get('config:a')).toBeUndefined();
    expect(await cache.stats()).toMatchObject({
      driver: 'none',
      hits: 0,
      misses: 3,
      namespaces: { 'test:result': { misses: 2 } },
    });
  });
});
