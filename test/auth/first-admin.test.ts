import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';

const SIMULTANEOUS = 6;

describe.each(TEST_DATABASES)('the first account on $name', (target) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('is the only admin when several sign up at the same moment, on every API process', async () => {
    const database = await target.create();
    cleanup.push(database.drop);
    // Two API processes on PostgreSQL; PGlite is embedded in one process.
    const apps: FastifyInstance[] = [];
    for (let i = 0; i < (target.name === 'postgres' ? 2 : 1); i++) {
      const app = await buildTestApp({}, database.config);
      cleanup.push(() => app.close());
      apps.push(app);
    }
    const answers = await Promise.all(
      Array.from({ length: SIMULTANEOUS }, (_, i) =>
        apps[i % apps.length]!.inject({
          method: 'POST',
          url: '/api/auth/register',
          payload: { email: `first-${i}@example.test`, password: 'a sturdy passphrase 42' },
        }),
      ),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(Array(SIMULTANEOUS).fill(201));
    const roles = answers.map((r) => r.json<{ user: { role: string } }>().user.role);
    expect(roles.filter((r) => r === 'admin')).toHaveLength(1);
    const stored = await apps[0]!.database.db.selectFrom('users').select('role').execute();
    expect(stored.map((u) => u.role).sort()).toEqual(['admin', ...Array(SIMULTANEOUS - 1).fill('user')]);
  });
});
