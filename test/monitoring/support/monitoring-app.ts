import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.ts';
import type { DatabaseConfig } from '../../../src/config/index.ts';
import { testConfig } from '../../support/app.ts';
import { waitFor } from '../../support/wait.ts';

/** The sampling interval of these suites: three missed heartbeats in 600 ms. */
export const INTERVAL_MS = 200;
export const INTERVAL = `${INTERVAL_MS}ms`;

export interface MonitoringAppOptions {
  worker?: boolean;
  /** Listen on 127.0.0.1 (an API process; its instance role says api). */
  listen?: boolean;
  clock?: () => number;
  /** false: no sampler and no HTTP histogram (buildApp's `monitoring`). */
  monitoring?: boolean;
}

/** The real app with a short MONITORING_INTERVAL (unless `env` says otherwise); close it in afterAll. */
export async function buildMonitoringApp(
  env: Record<string, string>,
  database?: DatabaseConfig,
  opts: MonitoringAppOptions = {},
): Promise<FastifyInstance> {
  const app = await buildApp({
    config: testConfig({ MONITORING_INTERVAL: INTERVAL, ...env }, database),
    worker: opts.worker ?? true,
    clock: opts.clock,
    monitoring: opts.monitoring,
  });
  if (opts.listen) await app.listen({ port: 0, host: '127.0.0.1' });
  else await app.ready();
  return app;
}

export function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

interface InstanceItem {
  id: string;
  role: string;
  pid: number;
  status: string;
  concurrency: number;
  missedHeartbeats: number;
}

/** GET /api/monitoring/instances as an admin. */
export async function instances(app: FastifyInstance, auth: Record<string, string>): Promise<InstanceItem[]> {
  const res = await app.inject({ url: '/api/monitoring/instances', headers: auth });
  if (res.statusCode !== 200) throw new Error(`instances: ${res.statusCode} ${res.body}`);
  return res.json<{ items: InstanceItem[] }>().items;
}

/** Waits until the instance list satisfies `check`; returns it. */
export function waitForInstances(
  app: FastifyInstance,
  auth: Record<string, string>,
  check: (items: InstanceItem[]) => boolean,
  timeoutMs: number,
  what: string,
): Promise<InstanceItem[]> {
  return waitFor(
    async () => {
      const items = await instances(app, auth);
      return check(items) ? items : null;
    },
    timeoutMs,
    what,
    50,
  );
}
