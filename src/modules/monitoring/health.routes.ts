import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ServiceUnavailableError, problems } from '../../shared/http/index.ts';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const Health = Type.Object({
  status: Type.Literal('ok'),
  checks: Type.Optional(Type.Record(Type.String(), Type.Literal('ok'))),
});

/**
 * Liveness says the process runs; readiness asks each dependency (database, later Redis) and answers 503
 * while any is down. Nothing is cached, so readiness recovers as soon as the dependency does.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: ReadinessCheck[]): void {
  const tags = ['health'];
  app.get(
    '/health/live',
    { config: { auth: 'public' }, schema: { tags, response: { 200: Health } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    { config: { auth: 'public' }, schema: { tags, response: { 200: Health, ...problems(503) } } },
    async () => {
      const results = await Promise.allSettled(checks.map((c) => c.check()));
      const failed = checks.filter((_, i) => results[i]!.status === 'rejected').map((c) => c.name);
      if (failed.length > 0) throw new ServiceUnavailableError(`Not ready: ${failed.join(', ')} unavailable`);
      return {
        status: 'ok' as const,
        checks: Object.fromEntries(checks.map((c) => [c.name, 'ok' as const])),
      };
    },
  );
}
