import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { ServiceUnavailableError, problems } from '../../shared/http/index.ts';
import { runProbes, type Probe } from './probes.ts';

/**
 * How long readiness waits for its dependencies, all probed at once: a hung one fails at this deadline,
 * so /health/ready answers within 2 s whatever the dependencies do (load balancers time out at 2–5 s).
 */
export const READY_TIMEOUT_MS = 1500;

const Health = Type.Object({
  status: Type.Literal('ok'),
  checks: Type.Optional(Type.Record(Type.String(), Type.Literal('ok'))),
});

/**
 * Liveness says the process runs; readiness probes each dependency (database, and Redis where configured)
 * and answers 503 naming each one that is down and why. Nothing is cached, so readiness recovers as soon
 * as the dependency does.
 */
export function registerHealthRoutes(app: FastifyInstance, probes: Probe[]): void {
  const tags = ['health'];
  app.get(
    '/health/live',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'The process is up', response: { 200: Health } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'The database (and Redis where configured) answer; 503 names what is down',
        response: { 200: Health, ...problems(503) },
      },
    },
    async () => {
      const results = await runProbes(probes, READY_TIMEOUT_MS);
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0)
        throw new ServiceUnavailableError(
          `Not ready: ${failed.map((r) => `${r.name} unavailable (${r.reason})`).join(', ')}`,
        );
      return {
        status: 'ok' as const,
        checks: Object.fromEntries(results.map((r) => [r.name, 'ok' as const])),
      };
    },
  );
}
