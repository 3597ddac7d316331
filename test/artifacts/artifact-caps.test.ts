import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { registerUser, type TestUser } from '../support/app.ts';
import { testClock } from '../support/clock.ts';
import { cleanRedis, QUEUE_MODES, queueEnv } from '../queue/support/queue-app.ts';
import { buildArtifactApp, listArtifacts, runArtifactTest } from './artifact-app.ts';

const png = (name: string, bytes: number) => ({ name, bytes });

describe.each(QUEUE_MODES)('artifact caps ($name)', ({ driver, database }) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let alice: TestUser;
  const env = queueEnv(driver, {
    ARTIFACTS_MAX_TEST_BYTES: '20000',
    ARTIFACTS_MAX_TOTAL_BYTES: '30000',
  });

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildArtifactApp(env, db.config, testClock());
    alice = await registerUser(app);
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
    await cleanRedis(env);
  });

  const names = async (testId: string) =>
    (await listArtifacts(app, alice, testId)).items.map((i) => i.name).sort();

  it("drops files past the per-test cap, and those the store refuses, and says so in the result's details", async () => {
    const testId = await runArtifactTest(app, alice, {
      pngs: [
        png('first.png', 15000),
        png('second.png', 10000),
        png('third.png', 3000),
        png('Bad Name.png', 10),
      ],
    });
    expect(await names(testId)).toEqual(['first.png', 'third.png']);
    const result = await app.inject({
      method: 'GET',
      url: `/api/tests/${testId}/result`,
      headers: alice.auth,
    });
    const dropped = result.json<{ details: { artifactsDropped: { name: string; reason: string }[] } }>()
      .details.artifactsDropped;
    expect(dropped).toEqual([
      { name: 'second.png', size: 10000, reason: expect.stringContaining('ARTIFACTS_MAX_TEST_BYTES') },
      { name: 'Bad Name.png', size: 10, reason: expect.stringContaining('invalid name') },
    ]);
  });

  it("deletes the oldest tests' files when the store would pass its total cap, and keeps their results", async () => {
    const listed = async (id: string) => (await listArtifacts(app, alice, id)).items.length;
    const first = await runArtifactTest(app, alice, { pngs: [png('a.png', 12000)] });
    const second = await runArtifactTest(app, alice, { pngs: [png('b.png', 12000)] });
    // Storing `second` may have evicted an earlier test of this suite (the store holds at most 30000).
    expect(await listed(first)).toBe(1);
    expect(await listed(second)).toBe(1);
    // 12000 + 12000 + 12000 > 30000: the oldest of the three loses its files, the newest two keep theirs.
    const third = await runArtifactTest(app, alice, { pngs: [png('c.png', 12000)] });
    expect(await listed(first)).toBe(0);
    expect(await listed(second)).toBe(1);
    expect(await listed(third)).toBe(1);
    const kept = await app.inject({ method: 'GET', url: `/api/tests/${first}/result`, headers: alice.auth });
    expect(kept.statusCode).toBe(200);
  });
});
