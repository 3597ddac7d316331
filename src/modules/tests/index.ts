import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import type { EngineRegistryPort } from './engine-ports.ts';
import { createTestRepository } from './test.repository.ts';
import { registerTestsRoutes } from './tests.routes.ts';
import { createTestsService, type TestEnqueuer, type TestsService } from './tests.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The tests service (benchmarks and in-process callers submit through it; a cache may wrap getResult). */
    tests: TestsService;
  }
}

export interface TestsModuleDeps {
  config: Config;
  db: Kysely<DB>;
  events: EventBus;
  registry: EngineRegistryPort;
  queue: TestEnqueuer;
}

/** The tests API: submit, list, status and result. Returns the service so a cache can wrap getResult. */
export function testsModule(app: FastifyInstance, deps: TestsModuleDeps): { service: TestsService } {
  const service = createTestsService({
    tests: createTestRepository(deps.db),
    registry: deps.registry,
    queue: deps.queue,
    events: deps.events,
    log: app.log,
    maxActivePerUser: deps.config.queue.maxActivePerUser,
    allowPrivateTargets: deps.config.allowPrivateTargets,
  });
  app.decorate('tests', service);
  registerTestsRoutes(app, service);
  return { service };
}
