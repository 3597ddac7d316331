/**
 * Set-based seeding of bench/history: a year of history as INSERT … SELECT generate_series, never a row
 * loop. The bulk load runs with session_replication_role = replica (no foreign-key checks, no unread-count
 * triggers: the counters are computed once at the end) and with the big tables' secondary indexes (and the
 * notifications primary key) dropped and rebuilt afterwards from their own definitions, so that every index
 * a migration declares exists again, built by sort instead of 11 million random inserts.
 */
import type pg from 'pg';

export interface HistoryShape {
  /** Accounts besides the bench user. */
  users: number;
  /** Tests in all, the bench user's included. */
  tests: number;
  /** Tests of the bench user (the one the routes are measured for). */
  benchTests: number;
  notifications: number;
  benchNotifications: number;
}

const TYPES = `(ARRAY['api','performance','stress','seo','security','accessibility','website'])`;
const NOTIFY_TYPES = `(ARRAY['test_completed','test_failed','alert_triggered','system_update','quota_warning'])`;

/** The bench user's own working set, the same in both phases: tests with results and an inbox. */
export async function seedWorkingSet(db: pg.Client, userId: string, tests: number, notifications: number) {
  await insertTests(db, `$1::uuid`, '', tests, [userId]);
  await db.query(
    `INSERT INTO notifications (user_id, type, title, content, is_read, created_at, read_at)
     SELECT $1::uuid, ${NOTIFY_TYPES}[1 + g % 5], 'Test completed: api http://127.0.0.1/', 'Score 93',
            g % 10 <> 0, now() - make_interval(mins => g * 7), CASE WHEN g % 10 <> 0 THEN now() END
     FROM generate_series(1, $2::int) g`,
    [userId, notifications],
  );
}

/**
 * Tests (and the results of the finished ones) spread over the last 365 days: 90 % completed, 7 % failed,
 * 3 % cancelled, nothing queued or running (history). `owner` is an SQL expression of `g` and of what
 * `join` adds.
 */
async function insertTests(db: pg.Client, owner: string, join: string, count: number, params: unknown[]) {
  const n = params.length + 1;
  await db.query(
    `INSERT INTO test_queue (test_id, test_type, url, config, status, priority, user_id, created_at,
                             started_at, completed_at, progress, message, attempts, available_at, updated_at)
     SELECT gen_random_uuid(), ${TYPES}[1 + g % 7], 'http://127.0.0.1:9/page/' || (g % 1000), '{}'::jsonb,
            CASE WHEN g % 100 < 90 THEN 'completed' WHEN g % 100 < 97 THEN 'failed' ELSE 'cancelled' END,
            0, ${owner}, t, t + interval '1 second', t + interval '5 seconds', 100, 'done', 1, t, t
     FROM generate_series(1, $${n}::int) g ${join},
          LATERAL (SELECT now() - make_interval(secs => (g::float8 * 31536000 / $${n}::int)::int + 60) AS t) at`,
    [...params, count],
  );
  await db.query(
    `INSERT INTO test_results (test_id, passed, score, summary, metrics, created_at)
     SELECT test_id, status = 'completed', 80 + (hashtext(test_id::text) & 15), 'Passed 12 of 12 checks',
            '{"duration_ms": 120, "requests": 12}'::jsonb, completed_at
     FROM test_queue q
     WHERE status IN ('completed', 'failed')
       AND NOT EXISTS (SELECT 1 FROM test_results r WHERE r.test_id = q.test_id)`,
  );
}

interface SavedIndex {
  table: string;
  drop: string;
  create: string;
}

/** Secondary indexes (not backing a constraint), plus the notifications primary key nothing references. */
async function dropIndexes(db: pg.Client): Promise<SavedIndex[]> {
  const { rows } = await db.query<{
    tbl: string;
    idx: string;
    def: string;
    con: string | null;
    condef: string;
  }>(
    `SELECT i.indrelid::regclass::text AS tbl, i.indexrelid::regclass::text AS idx,
            pg_get_indexdef(i.indexrelid) AS def, c.conname AS con, pg_get_constraintdef(c.oid) AS condef
     FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
     WHERE i.indrelid IN ('test_queue'::regclass, 'notifications'::regclass)`,
  );
  const saved: SavedIndex[] = [];
  for (const r of rows) {
    if (!r.con) saved.push({ table: r.tbl, drop: `DROP INDEX ${r.idx}`, create: r.def });
    else if (r.tbl === 'notifications' && r.condef.startsWith('PRIMARY KEY'))
      saved.push({
        table: r.tbl,
        drop: `ALTER TABLE notifications DROP CONSTRAINT ${r.con}`,
        create: `ALTER TABLE notifications ADD CONSTRAINT ${r.con} ${r.condef}`,
      });
  }
  for (const s of saved) await db.query(s.drop);
  return saved;
}

/** The bulk history on top of the working set; returns seconds per phase. */
export async function seedHistory(
  db: pg.Client,
  benchUser: string,
  shape: HistoryShape,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const took: Record<string, number> = {};
  const step = async (name: string, work: () => Promise<unknown>) => {
    const t = Date.now();
    await work();
    took[name] = Math.round((Date.now() - t) / 100) / 10;
    log(`  seed ${name}: ${took[name]} s`);
  };
  await db.query(`SET session_replication_role = replica`);
  await db.query(`SET maintenance_work_mem = '512MB'`);
  let saved: SavedIndex[] = [];
  await step('drop indexes', async () => (saved = await dropIndexes(db)));
  await step('users', () =>
    db.query(
      `INSERT INTO users (email, role) SELECT 'h' || g || '@history.bench', 'user'
       FROM generate_series(1, $1::int) g`,
      [shape.users],
    ),
  );
  // Other users are picked by number (a hash join on n), not from an array: an element of a large array
  // detoasts the whole array on every row.
  await db.query(
    `CREATE TEMP TABLE others AS
     SELECT row_number() OVER (ORDER BY id)::int - 1 AS n, id FROM users WHERE email LIKE '%@history.bench'`,
  );
  const pickOther = `JOIN others o ON o.n = g % ${shape.users}`;
  await step('tests', async () => {
    await insertTests(db, `$1::uuid`, '', shape.benchTests, [benchUser]);
    await insertTests(db, 'o.id', pickOther, shape.tests - shape.benchTests, []);
  });
  await step('notifications', async () => {
    await db.query(
      `INSERT INTO notifications (user_id, type, title, content, is_read, action_url, created_at, read_at)
       SELECT $1::uuid, ${NOTIFY_TYPES}[1 + g % 5], 'Test completed: api http://127.0.0.1/', 'Score 93',
              g % 10 <> 0, '/tests/1', now() - make_interval(secs => g * 3000), CASE WHEN g % 10 <> 0 THEN now() END
       FROM generate_series(1, $2::int) g`,
      [benchUser, shape.benchNotifications],
    );
    // Ten batches, so one statement's memory stays bounded.
    const rest = shape.notifications - shape.benchNotifications;
    const batch = Math.ceil(rest / 10);
    for (let from = 0; from < rest; from += batch)
      await db.query(
        `INSERT INTO notifications (user_id, type, title, content, is_read, action_url, created_at, read_at)
         SELECT o.id, ${NOTIFY_TYPES}[1 + g % 5],
                'Test completed: api http://127.0.0.1/', 'Score 93', g % 10 <> 0, '/tests/1',
                now() - make_interval(secs => (g::float8 * 31536000 / $3::int)::int),
                CASE WHEN g % 10 <> 0 THEN now() END
         FROM generate_series($1::int, $2::int) g ${pickOther}`,
        [from + 1, Math.min(rest, from + batch), rest],
      );
  });
  await step('unread counters', () =>
    db.query(
      `INSERT INTO notification_unread_counts AS c (user_id, unread)
       SELECT user_id, count(*) FILTER (WHERE NOT is_read) FROM notifications GROUP BY user_id
       ON CONFLICT (user_id) DO UPDATE SET unread = EXCLUDED.unread`,
    ),
  );
  await db.query(`SET session_replication_role = origin`);
  await step('indexes', async () => {
    for (const s of saved) await db.query(s.create);
  });
  await step('vacuum analyze', () => db.query(`VACUUM ANALYZE`));
  return took;
}
