import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino, type DestinationStream } from 'pino';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from './config/index.ts';
import { createDatabase, migrate, type Database } from './shared/db/index.ts';
import {
  answerClientError,
  answerFrameworkError,
  createValidatorCompiler,
  Problem,
  registerErrorHandler,
  registerSecurityHeaders,
  registerTextGuard,
} from './shared/http/index.ts';
import { loggerOptions } from './shared/logging/logger.ts';
import { createLocalEventBus, createRedisEventBus, type EventBus } from './shared/events/index.ts';
import { createRedisFactory } from './shared/redis/index.ts';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ENGINES, createEngineRegistry, createEngineRunner, type TestEngine } from './engines/index.ts';
import { createBrowserPool } from './engines/browser/index.ts';
import { queueModule } from './modules/queue/index.ts';
import {
  createJobHandler,
  createQueueStore,
  createTestOwnerLookup,
  testRunsModule,
} from './modules/test-runs/index.ts';
import { authModule, createUserDirectory, markRoutesPublic } from './modules/auth/index.ts';
import { emailModule } from './modules/email/index.ts';
import { notificationsModule } from './modules/notifications/index.ts';
import { cacheModule, createResultCache } from './modules/cache/index.ts';
import { realtimeModule } from './modules/realtime/index.ts';
import { createInstruments, monitoringModule, registerHttpMetrics } from './modules/monitoring/index.ts';
import { createBaselines, schedulesModule } from './modules/schedules/index.ts';
import { alertsModule } from './modules/alerts/index.ts';
import { loadDashboard, registerDashboard, registerHomeRoutes } from './modules/home/index.ts';

export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface BuildOptions {
  config: Config;
  /** Where logs go (stdout by default); tests pass a stream to read them. */
  logStream?: DestinationStream;
  /** Engines registered next to the product's (tests and benchmarks add sleep/fail/no-op engines here). */
  extraEngines?: TestEngine[];
  /** Run a queue worker in this process (default true; `serve --no-worker` and API-only tests say false). */
  worker?: boolean;
  /** false leaves out the HTTP histogram and the platform sampler (bench/monitoring measures their cost). */
  monitoring?: boolean;
  /** The monitoring module's clock (samples, heartbeats, status rules); tests move it. */
  clock?: () => number;
  /** The schedules module's clock (ticks, summaries, retention); tests move it. */
  schedulesClock?: () => number;
  /** Where the built dashboard is (web/dist/ by default); a folder without one serves the landing page. */
  dashboardDir?: string;
  /** The clock of signed artifact links (their expiry); tests move it. */
  artifactsClock?: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    events: EventBus;
  }
}

async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'TestWeb API',
        version: VERSION,
        description: 'Website testing platform. Errors are RFC 9457 problem+json.',
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT or tw_ API token',
            description:
              'A JWT access token (POST /api/auth/login) or a personal API token `tw_…` (POST /api/auth/tokens; its scopes limit the routes it may call: docs/API_TOKENS.md)',
          },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    // Routes are private unless their config says `auth: 'public'`; the document says the same.
    transform: ({ schema, url, route }) => ({
      schema: route.config?.auth === 'public' ? { ...schema, security: [] } : schema,
      url,
    }),
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  // The documentation is public: its routes come from the plugin, so they are marked inside a context of their own.
  await app.register(async (docs) => {
    docs.addHook('onRoute', markRoutesPublic);
    await docs.register(swaggerUi, { routePrefix: '/docs', uiConfig: { persistAuthorization: true } });
  });
}

/**
 * The composition root: infrastructure (logging, security headers, CORS, docs, database), then feature
 * modules, then the one error handler. Nothing connects at import time; everything closes in onClose.
 */
export async function buildApp({
  config,
  logStream,
  extraEngines,
  worker,
  monitoring,
  clock,
  schedulesClock,
  dashboardDir,
  artifactsClock,
}: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logStream
      ? { loggerInstance: pino(loggerOptions(config.logLevel), logStream) as FastifyBaseLogger }
      : { logger: loggerOptions(config.logLevel, { pretty: config.env === 'development' }) }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false } },
    // Routing and HTTP-parser errors answer problem+json too, without echoing the path.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  // The infrastructure's Prometheus series: its observers go to the database, Redis and the engine runner.
  const instruments = createInstruments();
  // Before any route: its onRoute hook gives each route its own timing hook.
  const http = monitoring === false ? null : registerHttpMetrics(app, instruments.registry);
  app.setValidatorCompiler(createValidatorCompiler());
  registerTextGuard(app);
  // The dashboard's client-side routes (/tests/…) answer with its page instead of a 404.
  const dashboard = loadDashboard(dashboardDir);
  registerErrorHandler(app, dashboard.fallback);
  app.addSchema(Problem);

  // Helmet's headers, computed once, and x-request-id, from one synchronous onRequest hook.
  await registerSecurityHeaders(app, {
    contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } },
  });
  // The CORS plugin answers every OPTIONS request (preflights) from its own catch-all route, which carries
  // no data: public, so an OPTIONS request is a 204 or a 404, never a 401.
  app.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS' && route.url === '*') markRoutesPublic(route);
  });
  await app.register(cors, {
    origin: config.corsOrigins === '*' ? true : config.corsOrigins.length ? config.corsOrigins : false,
    credentials: false,
  });
  await registerDocs(app);

  const database = await createDatabase(config.database, app.log, instruments.database);
  app.decorate('database', database);
  app.addHook('onClose', async () => database.close());
  const applied = await migrate(database);
  if (applied.length) app.log.info({ applied }, 'database migrations applied');

  // One factory for every Redis connection (null in embedded mode); each user closes its own connections.
  const redis = config.redisUrl
    ? createRedisFactory(config.redisUrl, config.redisKeyPrefix, app.log, instruments.redis)
    : null;

  const events = redis ? await createRedisEventBus(redis, app.log) : createLocalEventBus(app.log);
  app.decorate('events', events);
  app.addHook('onClose', async () => events.close());

  const db = database.db;
  // This process's identity on the tests it runs (worker id in the database and in logs).
  const instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  // First of the feature modules: its onRoute hook attaches the response cache to routes registered after it.
  const { service: cache } = await cacheModule(app, { config, events, redis });
  const runsWorker = worker ?? true;
  const { service: email } = await emailModule(app, { config, db, worker: runsWorker, instanceId });
  const { realtimeTokens } = await authModule(app, { config, db, redis, email, events });
  // The Chromium pool of the browser engines: lazy (nothing is searched for or started before a browser
  // test runs), so the product starts without Chromium; its pages pass the same SSRF guard as the runner's.
  const browser = createBrowserPool({
    allowPrivateTargets: config.allowPrivateTargets,
    chromiumPath: config.browser.chromiumPath,
    concurrency: config.browser.concurrency,
    sessionTimeoutMs: config.browser.sessionTimeoutMs,
    refusedHosts: config.browser.refusedHosts ?? undefined,
  });
  app.addHook('onClose', async () => browser.close());
  const engines = createEngineRegistry([...ENGINES, ...(extraEngines ?? [])], config.engines, { browser });
  // Realtime asks the registry which test types stream on a live channel (stress-test-{testId}).
  const realtime = await realtimeModule(app, {
    config,
    ownerOf: createTestOwnerLookup(db),
    events,
    // JWTs and personal API tokens with tests:read (docs/API_TOKENS.md).
    tokens: realtimeTokens,
    redis,
    streamsLive: (type) => engines.streamsLive(type),
  });
  const { requestTimeoutMs, maxResponseBytes, ...limits } = config.engines;
  const runner = createEngineRunner({
    registry: engines,
    allowPrivateTargets: config.allowPrivateTargets,
    log: app.log,
    limits,
    requestTimeoutMs,
    maxResponseBytes,
    metrics: instruments.outbound,
    browser,
  });
  app.addHook('onClose', async () => runner.close());
  // Scheduled tests' results get their baseline figures before they are stored (docs/SCHEDULES.md).
  const enricher = createBaselines(db, config);
  const handler = createJobHandler({
    config,
    db,
    events,
    runner,
    log: app.log,
    workerId: instanceId,
    enricher,
  });
  const queue = queueModule(app, {
    config,
    events,
    redis,
    store: createQueueStore(db),
    handler,
    workerId: instanceId,
    worker: worker ?? true,
  });
  // GET /api/tests/:testId/result reads through the cache (test:result:{testId}); the owner is checked on every hit.
  const testRuns = testRunsModule(app, {
    config,
    db,
    events,
    registry: engines,
    queue: queue.driver,
    resultCache: createResultCache(cache),
    users: createUserDirectory(db),
    now: artifactsClock,
  });
  const schedules = schedulesModule(app, {
    config,
    db,
    tests: testRuns.scheduled,
    events,
    worker: runsWorker,
    instanceId,
    now: schedulesClock && (() => new Date(schedulesClock())),
  });
  // Notifications subscribe to test and quota events; e-mail goes through the outbox.
  const notifications = await notificationsModule(app, {
    config,
    db,
    events,
    email,
    users: createUserDirectory(db),
    worker: runsWorker,
    instanceId,
  });
  monitoringModule(app, {
    config,
    database,
    redis,
    events,
    instruments,
    http,
    registries: [cache.metrics.registry, realtime.metrics.registry, queue.metrics.registry],
    figures: {
      queueCounts: () => queue.driver.counts(),
      testsFinished: () => queue.metrics.finished(),
      runningTests: () => queue.worker?.running().length ?? 0,
      wsConnections: () => realtime.connections.size,
      cache: async () => {
        const stats = await cache.metrics.snapshot();
        return { hits: stats.all.hits, misses: stats.all.misses, errors: stats.errors };
      },
    },
    instance: { id: instanceId, version: VERSION, concurrency: runsWorker ? config.workerConcurrency : 0 },
    enabled: monitoring,
    clock,
  });
  // After monitoring: platform rules read its PlatformSampled events.
  await alertsModule(app, {
    config,
    db,
    events,
    email,
    notifications,
    engines,
    schedules: schedules.service,
    worker: runsWorker,
    instanceId,
    now: clock && (() => new Date(clock())),
  });
  if (dashboard.indexHtml) await registerDashboard(app, dashboard, dashboardDir);
  else registerHomeRoutes(app, config, VERSION);
  return app;
}
