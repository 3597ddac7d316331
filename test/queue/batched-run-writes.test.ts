import { beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { EngineResult } from '../../src/engines/index.ts';
import type { TestRunRepository } from '../../src/modules/test-runs/test-run.repository.ts';
import { createWriteBatcher } from '../../src/modules/test-runs/write-batcher.ts';
import type { TestUser } from '../support/app.ts';
import { TEST_DATABASES } from '../support/databases.ts';
import { runRepositorySuite } from './support/run-repository.ts';

/**
 * A busy worker starts and completes its tests in batches (one statement each); every item keeps its own
 * fencing, so a batch never lets a stale attempt write, and a failed batch falls back to single writes.
 */

const LEASE_MS = 30_000;
const resultOf = (summary: string, score: number): EngineResult => ({
  passed: true,
  score,
  summary,
  metrics: { marker: score },
  findings: [],
  details: { by: summary },
});

describe('the write batcher', () => {
  it('sends the writes of one moment in one batch and answers each in order', async () => {
    const batches: number[][] = [];
    const write = createWriteBatcher<number, number>({
      batch: async (items) => (batches.push(items), items.map((i) => i * 10)),
      single: async (i) => i * 10,
    });
    expect(await Promise.all([1, 2, 3, 4].map(write))).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('retries a failed batch item by item, so one bad item fails alone', async () => {
    const write = createWriteBatcher<number, number>({
      batch: () => Promise.reject(new Error('one statement for all failed')),
      single: async (i) => {
        if (i === 2) throw new Error('bad item');
        return i;
      },
    });
    const settled = await Promise.allSettled([1, 2, 3].map(write));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('keeps at most maxInFlight batches out; what arrives meanwhile goes in the next one', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const write = createWriteBatcher<number, number>({
      batch: async (items) => {
        batches.push(items);
        if (batches.length === 1) await gate;
        return items;
      },
      single: async (i) => i,
      maxInFlight: 1,
    });
    const first = write(1);
    await new Promise((r) => setImmediate(r));
    const later = [write(2), write(3)];
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3]]);
  });
});

describe.each(TEST_DATABASES)('batched starts and completions ($name)', (database) => {
  // No worker: the test drives every attempt itself.
  const suite = runRepositorySuite(database, '/batched');
  const { submit } = suite;
  let app: FastifyInstance;
  let user: TestUser;
  let runs: TestRunRepository;
  beforeAll(() => void ({ app, user, runs } = suite));
  const get = (testId: string, what = '') =>
    app.inject({ method: 'GET', url: `/api/tests/${testId}${what}`, headers: user.auth });

  it('starts only startable tests, takes over a running one only when asked, each with its own run id', async () => {
    const [queued, running, takenOver] = [await submit(), await submit(), await submit()];
    const old = (await runs.start(running, 'worker-a', LEASE_MS, false))!;
    await runs.start(takenOver, 'worker-a', LEASE_MS, false);
    const started = await runs.startMany(
      [
        { testId: queued, takeOver: false },
        { testId: running, takeOver: false },
        { testId: takenOver, takeOver: true },
      ],
      'worker-b',
      LEASE_MS,
    );
    expect(started.map((a) => a?.testId)).toEqual([queued, undefined, takenOver]);
    expect(started[0]!.row).toMatchObject({ status: 'running', attempts: 1, worker_id: 'worker-b' });
    expect(started[2]!.row).toMatchObject({ status: 'running', attempts: 2, worker_id: 'worker-b' });
    expect(started[0]!.runId).toBe(started[0]!.row.run_id);
    expect(new Set([started[0]!.runId, started[2]!.runId, old.runId]).size).toBe(3);
  });

  it("stores the current attempts' results in one statement and ignores a stale attempt's", async () => {
    const [a, b] = [await submit(), await submit()];
    const stale = (await runs.start(b, 'worker-a', LEASE_MS, false))!;
    const [ra, rb] = await runs.startMany(
      [
        { testId: a, takeOver: false },
        { testId: b, takeOver: true },
      ],
      'worker-b',
      LEASE_MS,
    );
    // The stale attempt alone in a batch: nothing changes, and the current attempt still owns the test.
    expect(
      await runs.completeMany([{ testId: b, runId: stale.runId, result: resultOf('stale', 1) }]),
    ).toEqual([false]);
    expect((await get(b)).json()).toMatchObject({ status: 'running', attempts: 2 });
    const answers = await runs.completeMany([
      { testId: b, runId: stale.runId, result: resultOf('stale', 1) },
      { testId: a, runId: ra!.runId, result: resultOf('a', 80) },
      { testId: b, runId: rb!.runId, result: resultOf('b', 70) },
    ]);
    expect(answers).toEqual([false, true, true]);
    expect((await get(a)).json()).toMatchObject({ status: 'completed', progress: 100 });
    expect((await get(a, '/result')).json()).toMatchObject({
      summary: 'a',
      score: 80,
      metrics: { marker: 80 },
    });
    expect((await get(b, '/result')).json()).toMatchObject({ summary: 'b', score: 70, details: { by: 'b' } });
    // Completed already: the same completion again stores nothing and says so.
    expect(await runs.completeMany([{ testId: a, runId: ra!.runId, result: resultOf('again', 5) }])).toEqual([
      false,
    ]);
    expect((await get(a, '/result')).json()).toMatchObject({ summary: 'a' });
  });
});
