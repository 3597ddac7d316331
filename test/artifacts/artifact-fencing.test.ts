import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerUser, type TestUser } from '../support/app.ts';
import { testClock } from '../support/clock.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { queueEnv } from '../queue/support/queue-app.ts';
import { createArtifactStore } from '../../src/modules/test-runs/artifact-store.ts';
import { createArtifactRepository } from '../../src/modules/test-runs/artifact.repository.ts';
import { createTestRunRepository } from '../../src/modules/test-runs/test-run.repository.ts';
import { buildArtifactApp, listArtifacts, pngOf } from './artifact-app.ts';

const LEASE_MS = 60_000;
const result = { passed: true, summary: 'done', metrics: {}, findings: [], details: {} };

describe.each(TEST_DATABASES)('artifacts of a stale attempt ($name)', (database) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let alice: TestUser;

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    // No worker: the test drives the attempts itself.
    app = await buildArtifactApp(queueEnv('embedded'), db.config, testClock(), { worker: false });
    alice = await registerUser(app);
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
  });

  it('stores nothing for an attempt that lost its test, and the new attempt stores its own files once', async () => {
    const db = app.database.db;
    const runs = createTestRunRepository(db);
    const store = createArtifactStore({
      db,
      runs,
      artifacts: createArtifactRepository(db),
      maxTestBytes: 1_000_000,
      maxTotalBytes: 10_000_000,
      log: app.log,
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: alice.auth,
      payload: { type: 'artifacts-demo', url: 'http://127.0.0.1:9/fenced', options: { pngs: [] } },
    });
    const { testId } = res.json<{ testId: string }>();
    const a = (await runs.start(testId, 'worker-a', LEASE_MS, false))!;
    const b = (await runs.start(testId, 'worker-b', LEASE_MS, true))!;
    const file = (name: string) => ({ name, contentType: 'image/png', data: pngOf(500) });

    const attempt = (runId: string) => ({ testId, runId, userId: alice.id });
    expect(await store.complete(attempt(a.runId), result, [file('stale.png')])).toBe(false);
    expect((await listArtifacts(app, alice, testId)).items).toEqual([]);
    expect(await store.complete(attempt(b.runId), result, [file('fresh.png')])).toBe(true);
    expect(await store.complete(attempt(a.runId), result, [file('stale.png')])).toBe(false);
    expect((await listArtifacts(app, alice, testId)).items.map((i) => i.name)).toEqual(['fresh.png']);
  });
});
