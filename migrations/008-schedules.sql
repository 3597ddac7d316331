-- Schedules: recurring tests, the one row per tick that makes each tick run once across every process,
-- the rolling baselines of their metrics, and the nightly maintenance claim (docs/SCHEDULES.md).
-- PostgreSQL 14+ and PGlite.

-- A saved test definition (validated by the engine registry when saved) and when it runs: every
-- interval_ms on a grid anchored at anchor_at, or at the firings of a cron expression in a time zone.
CREATE TABLE schedules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  test_type text NOT NULL,
  url text NOT NULL,
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  priority integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 10),
  interval_ms integer CHECK (interval_ms > 0),
  cron text,
  timezone text,
  CHECK ((interval_ms IS NULL) <> (cron IS NULL)),
  anchor_at timestamptz NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  tags text[] NOT NULL DEFAULT '{}',
  -- The next tick on the grid; null while paused. Schedulers claim rows whose tick is due.
  next_run_at timestamptz,
  -- The last run that was submitted (its test may still be queued or running: the overlap check).
  last_test_id uuid,
  last_test_tick_at timestamptz,
  last_run_at timestamptz,
  -- What became of the ticks: submitted, skipped while the previous run was active, refused by the
  -- owner's active-tests limit or daily quota, or rejected (the definition no longer validates).
  runs_total integer NOT NULL DEFAULT 0,
  skipped_overlap integer NOT NULL DEFAULT 0,
  skipped_limit integer NOT NULL DEFAULT 0,
  skipped_quota integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedules_due_idx ON schedules (next_run_at) WHERE enabled;
CREATE INDEX schedules_user_idx ON schedules (user_id, created_at DESC, id DESC);
CREATE INDEX schedules_created_idx ON schedules (created_at DESC, id DESC);

-- One row per tick of a schedule: the primary key (schedule id, tick time) is what makes a tick run at most
-- once whichever process claims it. A test is submitted only for a row its process inserted; test_id is
-- chosen before the insert, so a submission that a crash interrupted is finished later with the same id.
CREATE TABLE schedule_runs (
  schedule_id uuid NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  tick_at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('tick', 'catch-up', 'manual')),
  outcome text NOT NULL CHECK (
    outcome IN ('pending', 'queued', 'skipped_overlap', 'skipped_limit', 'skipped_quota', 'rejected')
  ),
  test_id uuid,
  -- Grid ticks that were missed and not replayed (a catch-up after downtime stands for them).
  missed integer NOT NULL DEFAULT 0,
  claimed_at timestamptz NOT NULL,
  -- The process that claimed it (hostname:pid:random, as on the tests it runs).
  claimed_by text,
  error text,
  PRIMARY KEY (schedule_id, tick_at)
);
CREATE INDEX schedule_runs_pending_idx ON schedule_runs (claimed_at) WHERE outcome = 'pending';
CREATE INDEX schedule_runs_claimed_idx ON schedule_runs (claimed_at);

-- The rolling window of each numeric metric over a schedule's last BASELINE_WINDOW successful runs,
-- oldest first; median and MAD are computed from it (at most BASELINE_WINDOW values) when a result arrives.
CREATE TABLE schedule_baselines (
  schedule_id uuid NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
  metric text NOT NULL,
  samples double precision[] NOT NULL,
  runs integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schedule_id, metric)
);

-- Periodic jobs claimed like ticks: the process whose UPDATE moves next_at runs the job. The retention
-- walks results in (created_at, test_id) order and keeps its position here, so each night reads only
-- the results that aged past the cutoff since the last night.
CREATE TABLE schedule_maintenance (
  name text PRIMARY KEY,
  next_at timestamptz NOT NULL,
  cursor_at text,
  cursor_id uuid
);
INSERT INTO schedule_maintenance (name, next_at) VALUES ('result_retention', now());

-- Runs are ordinary tests that know their schedule; a deleted schedule leaves its tests as plain tests.
ALTER TABLE test_queue ADD COLUMN schedule_id uuid REFERENCES schedules (id) ON DELETE SET NULL;
CREATE INDEX test_queue_schedule_idx ON test_queue (schedule_id, created_at DESC, test_id DESC)
  WHERE schedule_id IS NOT NULL;
CREATE INDEX test_queue_schedule_completed_idx ON test_queue (schedule_id, completed_at)
  WHERE schedule_id IS NOT NULL AND completed_at IS NOT NULL;
-- The nightly retention's walk over results.
CREATE INDEX test_results_created_idx ON test_results (created_at, test_id);
