/** The workload of bench/schedules: saving schedules, spreading them over the minute, and reading the ticks back. */
import { sql, type Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { DB } from '../../src/shared/db/index.ts';

export const INTERVAL_MS = 60_000;
const USERS = 10;

/** Saves `n` paused schedules through the service (validation and all), over USERS accounts. */
export async function seed(app: FastifyInstance, n: number): Promise<void> {
  const viewers: Array<{ id: string; role: 'user' }> = [];
  for (let u = 0; u < USERS; u++) {
    const reg = await app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: `bench-${u}-${Date.now()}@example.test`, password: 'a sturdy passphrase 42' },
    });
    viewers.push({ id: reg.json<{ user: { id: string } }>().user.id, role: 'user' as const });
  }
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < n; i = next++)
        await app.schedules.service.create(viewers[i % USERS]!, {
          name: `bench ${i}`,
          type: 'noop',
          url: `http://127.0.0.1:9/${i}`,
          interval: '60s',
          enabled: false,
        });
    }),
  );
  console.log(`  saved ${n} schedules in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Enables every schedule, anchors spread evenly over the minute from `t0` (as schedules saved over time are). */
export async function enableSpread(db: Kysely<DB>, n: number, t0: number): Promise<void> {
  await sql`
    WITH o AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM schedules)
    UPDATE schedules s SET enabled = true,
      anchor_at = to_timestamp((${t0} + o.k * ${INTERVAL_MS / n}) / 1000.0),
      next_run_at = to_timestamp((${t0} + o.k * ${INTERVAL_MS / n}) / 1000.0)
    FROM o WHERE o.id = s.id`.execute(db);
}

export async function measure(db: Kysely<DB>, from: number, to: number) {
  const window = sql`r.tick_at >= to_timestamp(${from} / 1000.0) AND r.tick_at < to_timestamp(${to} / 1000.0)`;
  const late = (expr: ReturnType<typeof sql>) => sql`
    percentile_cont(0.5) WITHIN GROUP (ORDER BY ${expr}) AS p50,
    percentile_cont(0.99) WITHIN GROUP (ORDER BY ${expr}) AS p99, max(${expr}) AS max`;
  const claim = sql`extract(epoch FROM r.claimed_at - r.tick_at) * 1000`;
  const submit = sql`extract(epoch FROM q.created_at - r.tick_at) * 1000`;
  const { rows: c } = await sql<{
    p50: number;
    p99: number;
    max: number;
    n: number;
    queued: number;
    overlap: number;
    catchup: number;
  }>`
    SELECT ${late(claim)}, count(*)::int AS n,
      count(*) FILTER (WHERE r.outcome = 'skipped_overlap')::int AS overlap,
      count(*) FILTER (WHERE r.outcome = 'queued')::int AS queued,
      count(*) FILTER (WHERE r.kind = 'catch-up')::int AS catchup
    FROM schedule_runs r WHERE ${window}`.execute(db);
  const { rows: s } = await sql<{ p50: number; p99: number; max: number }>`
    SELECT ${late(submit)} FROM schedule_runs r JOIN test_queue q ON q.test_id = r.test_id
    WHERE ${window} AND r.outcome = 'queued'`.execute(db);
  // Tests beyond one per queued tick, and ticks beyond one per grid slot of a schedule.
  const { rows: d } = await sql<{ extra_tests: number; extra_ticks: number }>`
    SELECT
      (SELECT count(*) FROM test_queue WHERE schedule_id IS NOT NULL)::int
        - (SELECT count(*) FROM schedule_runs WHERE outcome = 'queued')::int AS extra_tests,
      (SELECT coalesce(sum(n - 1), 0) FROM (
        SELECT count(*) AS n FROM schedule_runs r JOIN schedules s ON s.id = r.schedule_id
        GROUP BY r.schedule_id, floor(extract(epoch FROM r.tick_at - s.anchor_at) * 1000 / ${INTERVAL_MS})
        HAVING count(*) > 1) slots)::int AS extra_ticks`.execute(db);
  const round = (v: unknown) => Math.round(Number(v ?? 0));
  return {
    ticks: c[0]!.n,
    queued: c[0]!.queued,
    overlap: c[0]!.overlap,
    catchUps: c[0]!.catchup,
    claim: { p50: round(c[0]!.p50), p99: round(c[0]!.p99), max: round(c[0]!.max) },
    submit: { p50: round(s[0]!.p50), p99: round(s[0]!.p99), max: round(s[0]!.max) },
    duplicates: Math.max(0, d[0]!.extra_tests) + d[0]!.extra_ticks,
  };
}

/** Waits until the tests of the window's ticks have completed (or 60 s passed). */
export async function drain(db: Kysely<DB>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM test_queue WHERE status IN ('queued', 'running')`.execute(db);
    if (rows[0]!.n === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}
