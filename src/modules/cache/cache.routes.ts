import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problems, ValidationError } from '../../shared/http/index.ts';
import type { CacheService } from './cache.service.ts';
import { CacheStatsSchema, FlushResult, InvalidateQuery, InvalidateResult } from './cache.schemas.ts';

const tags = ['cache'];
const admin = { auth: 'admin' as const };
const security = [{ bearerAuth: [] }];

type Target = { key?: string; pattern?: string; tag?: string };

/** Exactly one of key, pattern, tag: anything else is a 400 naming the fields. */
function oneTarget(q: Target): { by: 'key' | 'pattern' | 'tag'; target: string } {
  const given = (['key', 'pattern', 'tag'] as const).filter((k) => q[k] !== undefined);
  if (given.length !== 1) {
    const fields = given.length ? given : (['key', 'pattern', 'tag'] as const);
    throw new ValidationError(
      'Give exactly one of key, pattern or tag',
      fields.map((f) => ({
        field: `/querystring/${f}`,
        message: given.length
          ? 'only one of key, pattern, tag may be given'
          : 'one of key, pattern, tag is required',
      })),
    );
  }
  const by = given[0]!;
  const target = q[by]!;
  // Without a wildcard a pattern matches only the key itself, at the price of a SCAN over all of Redis.
  if (by === 'pattern' && !/[*?]/.test(target)) {
    throw new ValidationError(`pattern "${target}" has no * or ?: to invalidate one key, use key=${target}`, [
      {
        field: '/querystring/pattern',
        message: `must contain * or ? (a glob); to invalidate one key, use key=${target}`,
      },
    ]);
  }
  return { by, target };
}

export function registerCacheRoutes(fastify: FastifyInstance, cache: CacheService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/cache/stats', {
    config: admin,
    schema: {
      tags,
      summary: 'Hits, misses, hit rate (overall and per namespace), keys and memory of the cache',
      security,
      response: { 200: CacheStatsSchema, ...problems(401, 403) },
    },
    handler: () => cache.stats(),
  });

  app.delete('/api/cache/invalidate', {
    config: admin,
    schema: {
      tags,
      summary: 'Invalidate one key, every key matching a glob pattern, or every entry with a tag',
      security,
      querystring: InvalidateQuery,
      response: { 200: InvalidateResult, ...problems(400, 401, 403) },
    },
    handler: async (req) => {
      const { by, target } = oneTarget(req.query);
      if (by === 'pattern') return { by, target, deleted: await cache.invalidatePattern(target) };
      if (by === 'key') await cache.del(target);
      else await cache.invalidateTags([target]);
      return { by, target, deleted: null };
    },
  });

  app.delete('/api/cache/flush', {
    config: admin,
    schema: {
      tags,
      summary: 'Remove every cache entry, in every process and in Redis',
      security,
      response: { 200: FlushResult, ...problems(401, 403) },
    },
    handler: async () => {
      await cache.flush();
      return { flushed: true as const };
    },
  });
}
