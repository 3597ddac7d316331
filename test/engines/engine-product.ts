/**
 * An app with the queue's worker and a registered user, for the suites that run one engine through the
 * product (submit → queue → engine → stored result). Registers its own beforeAll/afterAll; `available`
 * says whether GET /api/engines lists the engine as runnable here (a browser engine without Chromium).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerUser, type TestUser } from '../support/app.ts';
import { buildQueueApp, cleanRedis, queueEnv, type QUEUE_MODES } from '../queue/support/queue-app.ts';

export interface TestView {
  status: string;
  progress: number;
  error: string | null;
}

type Mode = (typeof QUEUE_MODES)[number];

export function engineProductApp(type: string, { driver, database }: Mode) {
  const env = queueEnv(driver, { ALLOW_PRIVATE_TARGETS: 'true' });
  let drop: (() => Promise<void>) | undefined;
  const ctx = {
    app: undefined as unknown as FastifyInstance,
    user: undefined as unknown as TestUser,
    available: false,
    get: (url: string) => ctx.app.inject({ method: 'GET', url, headers: ctx.user.auth }),
    view: async (testId: string) => (await ctx.get(`/api/tests/${testId}`)).json<TestView>(),
    /** Submits a test of `type` and returns its id (202 expected). */
    async submit(url: string, options: object): Promise<string> {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/tests',
        headers: ctx.user.auth,
        payload: { type, url, options },
      });
      expect(res.statusCode, res.body).toBe(202);
      return res.json<{ testId: string }>().testId;
    },
  };
  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    ctx.app = await buildQueueApp(env, db.config);
    ctx.user = await registerUser(ctx.app);
    const { engines } = (await ctx.get('/api/engines')).json<{
      engines: Array<{ name: string; available: boolean; unavailableReason: string | null }>;
    }>();
    const engine = engines.find((e) => e.name === type);
    ctx.available = engine?.available === true;
    if (!ctx.available)
      console.error(`${type} product tests skipped: ${engine?.unavailableReason ?? 'not registered'}`);
  });
  afterAll(async () => {
    await ctx.app?.close();
    await drop?.();
    await cleanRedis(env);
  });
  return ctx;
}
