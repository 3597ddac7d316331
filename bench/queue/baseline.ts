import pg from 'pg';
import { Redis } from 'ioredis';
import { Queue, Worker } from 'bullmq';
import type { Measurement } from './run.ts';

/** Raw BullMQ: N no-op jobs, each inserting one PostgreSQL row, with the pipeline's concurrency. */
export async function createBaseline(o: {
  redisUrl: string;
  pgUrl: string;
  prefix: string;
  n: number;
  concurrency: number;
  timeoutMs: number;
}): Promise<Measurement> {
  const pool = new pg.Pool({ connectionString: o.pgUrl, max: 10 });
  await pool.query(
    'CREATE TABLE bench_jobs (id text PRIMARY KEY, done_at timestamptz NOT NULL DEFAULT now())',
  );
  const connection = () => new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const queueConn = connection();
  const workerConn = connection();
  const queue = new Queue('raw', { connection: queueConn, prefix: o.prefix });
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const worker = new Worker(
    'raw',
    async (job) => {
      await pool.query('INSERT INTO bench_jobs (id) VALUES ($1)', [job.id]);
    },
    {
      connection: workerConn,
      prefix: o.prefix,
      concurrency: o.concurrency,
      removeOnComplete: { count: 1000 },
    },
  );
  worker.on('completed', () => {
    if (++done === o.n) finish();
  });
  const started = performance.now();
  for (let i = 0; i < o.n; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, o.n - i) }, (_, j) => ({
        name: 'noop',
        data: { i: i + j },
        opts: { jobId: `job-${i + j}` },
      })),
    );
  }
  await Promise.race([finished, new Promise((r) => setTimeout(r, o.timeoutMs))]);
  const ms = performance.now() - started;
  await worker.close();
  await queue.close();
  queueConn.disconnect();
  workerConn.disconnect();
  await pool.end();
  const perMin = Math.round((done / ms) * 60_000);
  console.log(
    `raw BullMQ + one INSERT per job: ${done}/${o.n} jobs in ${(ms / 1000).toFixed(1)} s → ${perMin} jobs/min`,
  );
  return { done, ms, perMin, complete: done === o.n };
}
