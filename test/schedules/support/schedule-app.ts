import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app.ts';
import type { DatabaseConfig } from '../../../src/config/index.ts';
import { testConfig, type TestUser } from '../../support/app.ts';
import { testEngines } from '../../queue/support/test-engines.ts';
import { seriesEngine } from './series-engine.ts';

export { QUEUE_MODES, queueEnv, cleanRedis, type QueueMode } from '../../queue/support/queue-app.ts';
export { waitFor } from '../../support/wait.ts';

import { testClock, type TestClock } from '../../support/clock.ts';

export { testClock, type TestClock };

/** The real app with the queue suites' test engines and the series engine; schedules may tick every second. */
export async function buildScheduleApp(
  env: Record<string, string>,
  database: DatabaseConfig,
  opts: { worker?: boolean; clock?: TestClock } = {},
): Promise<FastifyInstance> {
  const app = await buildApp({
    config: testConfig({ SCHEDULE_MIN_INTERVAL: '1s', ...env }, database),
    extraEngines: [...testEngines(), seriesEngine],
    worker: opts.worker ?? true,
    schedulesClock: opts.clock?.now,
  });
  await app.ready();
  return app;
}

type Inject = FastifyInstance['inject'];
export type Reply = Awaited<ReturnType<Inject>>;

/** Calls the API as `who`. */
export function api(app: FastifyInstance, who: TestUser) {
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object): Promise<Reply> =>
    app.inject({ method, url, headers: who.auth, ...(payload ? { payload } : {}) });
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, payload?: object) => call('POST', url, payload),
    put: (url: string, payload: object) => call('PUT', url, payload),
    delete: (url: string) => call('DELETE', url),
  };
}

export interface ScheduleJson {
  id: string;
  enabled: boolean;
  nextRunAt: string | null;
  interval: string | null;
  counters: {
    runs: number;
    skippedOverlap: number;
    skippedLimit: number;
    skippedQuota: number;
    rejected: number;
  };
}

export interface RunJson {
  tickAt: string;
  kind: 'tick' | 'catch-up' | 'manual';
  outcome: string;
  testId: string | null;
  missed: number;
}

/** Every tick of a schedule (through the API, all pages). */
export async function ticksOf(app: FastifyInstance, who: TestUser, id: string): Promise<RunJson[]> {
  const out: RunJson[] = [];
  let cursor = '';
  for (;;) {
    const res = await api(app, who).get(
      `/api/schedules/${id}/runs?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (res.statusCode !== 200) throw new Error(`runs: ${res.statusCode} ${res.body}`);
    const page = res.json<{ items: RunJson[]; nextCursor: string | null }>();
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = encodeURIComponent(page.nextCursor);
  }
}

/** Every test of a schedule (GET /api/tests?scheduleId=, all pages). */
export async function testsOf(
  app: FastifyInstance,
  who: TestUser,
  id: string,
): Promise<Array<{ testId: string; status: string; scheduleId: string | null }>> {
  const out: Array<{ testId: string; status: string; scheduleId: string | null }> = [];
  let cursor = '';
  for (;;) {
    const res = await api(app, who).get(
      `/api/tests?scheduleId=${id}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (res.statusCode !== 200) throw new Error(`tests: ${res.statusCode} ${res.body}`);
    const page = res.json<{ items: typeof out; nextCursor: string | null }>();
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = encodeURIComponent(page.nextCursor);
  }
}
