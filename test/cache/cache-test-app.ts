import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { DatabaseConfig } from '../../src/config/index.ts';
import { buildApp } from '../../src/app.ts';
import type { TestEngine } from '../../src/engines/index.ts';
import { testConfig } from '../support/app.ts';
import { embeddedDatabase } from '../support/pglite-template.ts';
import { dropPrefix as sharedDropPrefix, uniquePrefix as sharedUniquePrefix } from '../support/redis.ts';
import { POSTGRES_URL, REDIS_URL, TEST_DATABASES } from '../support/databases.ts';
import { waitFor } from '../support/wait.ts';

/** Registration is rate limited per IP; these suites register many users from 127.0.0.1. */
const RELAXED_LIMITS = { AUTH_RATE_LIMIT_IP: '1000/1m', AUTH_RATE_LIMIT_ACCOUNT: '1000/1m' };

export interface CacheTestApp {
  app: FastifyInstance;
  /** Log lines the app wrote (JSON objects). */
  logs: Array<Record<string, unknown>>;
}

/** The real app, with test-only routes added before it is ready (the response cache applies to them). */
export async function buildCacheTestApp(
  env: Record<string, string> = {},
  options: {
    database?: DatabaseConfig;
    routes?: (app: FastifyInstance) => void;
    extraEngines?: TestEngine[];
  } = {},
): Promise<CacheTestApp> {
  const logs: Array<Record<string, unknown>> = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  // Its own BullMQ prefix and no worker: these apps must never take jobs from another suite's queue.
  const isolated = { QUEUE_PREFIX: `twcache-${randomBytes(4).toString('hex')}` };
  // (a services-mode CacheMode passes a QUEUE_PREFIX of its own in env, which wins, so it can drop its keys)
  const app = await buildApp({
    config: testConfig({ LOG_LEVEL: 'info', ...RELAXED_LIMITS, ...isolated, ...env }, options.database),
    logStream,
    worker: false,
    extraEngines: options.extraEngines,
  });
  options.routes?.(app);
  await app.ready();
  return { app, logs };
}

export const uniquePrefix = (): string => sharedUniquePrefix('cache');

/** How a suite runs the app: embedded (PGlite, memory cache) always; services (PostgreSQL + Redis) when both are configured. */
export interface CacheMode {
  name: 'embedded' | 'services';
  /** A fresh database and (services) Redis prefixes; `env` and `database` build an app on them; `drop` removes them. */
  create(): Promise<{ env: Record<string, string>; database: DatabaseConfig; drop(): Promise<void> }>;
}

const embedded: CacheMode = {
  name: 'embedded',
  create: async () => {
    const { config, drop } = embeddedDatabase();
    return { env: {}, database: config, drop: async () => drop() };
  },
};

const services: CacheMode = {
  name: 'services',
  async create() {
    const db = await TEST_DATABASES.find((d) => d.name === 'postgres')!.create();
    const prefix = uniquePrefix();
    const queuePrefix = `twcache-${randomBytes(4).toString('hex')}`;
    return {
      env: { REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: prefix, QUEUE_PREFIX: queuePrefix },
      database: db.config,
      async drop() {
        await db.drop();
        await sharedDropPrefix(prefix, REDIS_URL);
        await sharedDropPrefix(queuePrefix, REDIS_URL);
      },
    };
  },
};

/** The modes a cache suite runs in (use with describe.each). */
export const CACHE_MODES: CacheMode[] = POSTGRES_URL && REDIS_URL ? [embedded, services] : [embedded];

/** Removes every key under `prefix` (SCAN + UNLINK; never FLUSHALL on the shared Redis). */
export const dropPrefix = (url: string, prefix: string): Promise<void> => sharedDropPrefix(prefix, url);

/** A port nothing listens on: bind, read the port, close. */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export { waitFor };
