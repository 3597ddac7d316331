import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problems } from '../../shared/http/index.ts';
import type { EngineRegistryPort } from './ports.ts';

const Metric = Type.Object({
  name: Type.String({ description: 'Stable snake_case name, as alert rules and results use it' }),
  unit: Type.String({ description: '`ms`, `s`, `bytes`, `count`, `req/s`, `ratio`, `score`, or empty' }),
  description: Type.String(),
});

export const EngineList = Type.Object({
  engines: Type.Array(
    Type.Object({
      name: Type.String({ description: 'The test type to submit (`type` of POST /api/tests)' }),
      description: Type.String(),
      options: Type.Unknown({ description: "JSON Schema of the test's `options`" }),
      metrics: Type.Array(Metric),
      streamsLive: Type.Boolean({
        description: 'Progress carries per-second metrics on stress-test-{testId}',
      }),
      available: Type.Boolean(),
      unavailableReason: Type.Union([Type.String(), Type.Null()], {
        description: 'Why the engine cannot run here and what to do (null when available)',
      }),
    }),
  ),
});

/** `GET /api/engines`: the test types, each with its options' JSON Schema, metrics and availability. */
export function registerEnginesRoutes(fastify: FastifyInstance, registry: EngineRegistryPort): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/engines', {
    schema: {
      tags: ['tests'],
      summary: 'The test types: options JSON Schema, metrics with units, availability',
      response: { 200: EngineList, ...problems(401) },
    },
    // Availability can change (Chromium installed while running), so it is asked on every call.
    handler: async () => ({ engines: registry.describe() }),
  });
}
