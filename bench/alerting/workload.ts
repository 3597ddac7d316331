import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/shared/db/index.ts';
import type { EventMap } from '../../src/shared/events/index.ts';

export const OWNERS = 100;
export const URLS_PER_OWNER = 10;
/** Rules on each exact URL; the owner's other rules are globs over all their URLs. */
export const RULES_PER_URL = 9;
export const GLOBS_PER_OWNER = 10;

const METRICS = ['response_time_ms', 'ttfb_ms', 'status_code', 'response_bytes', 'assertions_failed'];
const CONDITIONS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;

export interface Seeded {
  owners: string[];
  urls: Array<{ owner: string; url: string }>;
  rules: number;
}

export const urlOf = (o: number, u: number) => `https://site-${o}.bench/page-${u}`;

/**
 * OWNERS users, each with URLS_PER_OWNER URLs × RULES_PER_URL exact-URL rules plus GLOBS_PER_OWNER glob
 * rules: 10,000 active rules over 1,000 URLs. Written with SQL in bulk (the API would take minutes).
 * Thresholds are set so a healthy result (response_time_ms 100, status 200, …) breaches nothing.
 */
export async function seed(db: Kysely<DB>): Promise<Seeded> {
  const owners: string[] = [];
  const urls: Seeded['urls'] = [];
  let rules = 0;
  for (let o = 0; o < OWNERS; o++) {
    const owner = randomUUID();
    owners.push(owner);
    await db
      .insertInto('users')
      .values({ id: owner, email: `bench-${o}-${owner}@example.test`, role: 'user' })
      .execute();
    const rows: Array<Record<string, unknown>> = [];
    for (let u = 0; u < URLS_PER_OWNER; u++) {
      const url = urlOf(o, u);
      urls.push({ owner, url });
      for (let r = 0; r < RULES_PER_URL; r++)
        rows.push(rule(owner, METRICS[r % METRICS.length]!, CONDITIONS[r % CONDITIONS.length]!, url));
    }
    for (let g = 0; g < GLOBS_PER_OWNER; g++)
      rows.push(rule(owner, METRICS[g % METRICS.length]!, 'gt', `https://site-${o}.bench/page-${g}*`));
    await db
      .insertInto('alert_rules')
      .values(rows as never)
      .execute();
    rules += rows.length;
  }
  return { owners, urls, rules };
}

/** A threshold no healthy result crosses: gt/gte far above, lt/lte below 0, eq on an impossible value, neq on the healthy one. */
function rule(owner: string, metric: string, condition: (typeof CONDITIONS)[number], glob: string) {
  const healthy = HEALTHY[metric]!;
  const threshold =
    condition === 'gt' || condition === 'gte'
      ? healthy * 10 + 1000
      : condition === 'lt' || condition === 'lte'
        ? -1
        : condition === 'eq'
          ? -42
          : healthy;
  return {
    name: `${metric} ${condition}`,
    metric_name: metric,
    condition,
    threshold,
    channels: JSON.stringify(['in_app']),
    cooldown: 0,
    created_by: owner,
    scope_test_type: 'api',
    scope_url_glob: glob,
  };
}

export const HEALTHY: Record<string, number> = {
  response_time_ms: 100,
  ttfb_ms: 50,
  status_code: 200,
  response_bytes: 1000,
  assertions_failed: 0,
};

/** A TestCompleted of `url`; `slow` makes response_time_ms breach its gt/gte rules. */
export function resultOf(owner: string, url: string, slow = false): EventMap['TestCompleted'] {
  return {
    testId: randomUUID(),
    runId: randomUUID(),
    userId: owner,
    type: 'api',
    url,
    scheduleId: null,
    tags: [],
    durationMs: 120,
    passed: true,
    score: null,
    metrics: { ...HEALTHY, response_time_ms: slow ? 100_000 : HEALTHY.response_time_ms! },
  };
}

export async function countRules(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM alert_rules WHERE is_active`.execute(db);
  return rows[0]!.n;
}
