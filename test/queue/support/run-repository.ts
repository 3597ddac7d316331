import { afterAll, beforeAll, expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  createTestRunRepository,
  type TestRunRepository,
} from '../../../src/modules/test-runs/test-run.repository.ts';
import { registerUser, type TestUser } from '../../support/app.ts';
import type { TestDatabase } from '../../support/databases.ts';
import { buildQueueApp, queueEnv } from './queue-app.ts';

export interface RunRepositorySuite {
  app: FastifyInstance;
  user: TestUser;
  runs: TestRunRepository;
  /** Submits a short sleep test (at `path` on a closed port) over the API and returns its id. */
  submit(): Promise<string>;
}

/**
 * For suites that drive every attempt themselves: an app on `database` with no worker, its first user and
 * the run repository, built before the suite's tests and closed after them.
 */
export function runRepositorySuite(database: TestDatabase, path: string): RunRepositorySuite {
  const suite = {} as RunRepositorySuite;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    suite.app = await buildQueueApp(queueEnv('embedded'), db.config, { worker: false });
    suite.user = await registerUser(suite.app);
    suite.runs = createTestRunRepository(suite.app.database.db);
  });
  afterAll(async () => {
    await suite.app?.close();
    await drop?.();
  });
  suite.submit = async () => {
    const res = await suite.app.inject({
      method: 'POST',
      url: '/api/tests',
      headers: suite.user.auth,
      payload: { type: 'sleep', url: `http://127.0.0.1:9${path}`, options: { ms: 5 } },
    });
    expect(res.statusCode).toBe(202);
    return res.json<{ testId: string }>().testId;
  };
  return suite;
}
