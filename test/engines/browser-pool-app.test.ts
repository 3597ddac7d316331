import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { buildApp } from '../../src/app.ts';
import { browserOf } from '../../src/engines/browser/index.ts';
import type { EngineEnvironment, TestEngine } from '../../src/engines/index.ts';
import { registerUser, testConfig, type TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';

/** A browser engine as the real ones declare availability: through the app's pool. */
const probe: TestEngine = {
  name: 'browser-probe',
  description: 'a test-only engine that needs Chromium',
  options: Type.Object({}, { additionalProperties: false }),
  metrics: {},
  availability: (env: EngineEnvironment) => browserOf(env).availability(),
  run: () => Promise.reject(new Error('must not run')),
};

describe.each(TEST_DATABASES)('an app whose CHROMIUM_PATH is missing ($name)', (database) => {
  let app: FastifyInstance;
  let user: TestUser;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    const config = testConfig({ CHROMIUM_PATH: '/nonexistent/chromium' }, db.config);
    app = await buildApp({ config, extraEngines: [probe], worker: false });
    await app.ready();
    user = await registerUser(app);
  });
  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('starts, and lists the browser engine as unavailable with the reason', async () => {
    const res = await app.inject({ url: '/api/engines', headers: user.auth });
    expect(res.statusCode).toBe(200);
    const engines = res.json<{
      engines: Array<{ name: string; available: boolean; unavailableReason: string }>;
    }>().engines;
    expect(engines.find((e) => e.name === 'browser-probe')).toMatchObject({
      available: false,
      unavailableReason: expect.stringContaining('CHROMIUM_PATH=/nonexistent/chromium'),
    });
    expect(engines.find((e) => e.name === 'api')?.available).toBe(true);
  });

  it('refuses a test of it with a problem+json 400 that says how to install Chromium', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: user.auth,
      payload: { type: 'browser-probe', url: 'http://127.0.0.1:9/' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toContain('apt install chromium');
  });
});
