-- The test queue: the system of record for every test in both queue drivers (BullMQ and embedded).
-- Seed columns first; the rest carries progress, attempts and the fencing/lease state that makes crash
-- recovery store each result exactly once. PostgreSQL 14+ and PGlite.

CREATE TABLE test_queue (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  test_id uuid NOT NULL UNIQUE,
  test_type text NOT NULL,
  url text NOT NULL,
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  priority integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 10),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  completed_at timestamptz,
  retry_count integer NOT NULL DEFAULT 0,
  error_message text,
  -- Live progress, written throttled by the worker.
  progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  message text,
  -- Attempts started in the current run (reset by a manual retry, which bumps retry_count instead).
  attempts integer NOT NULL DEFAULT 0,
  -- Fencing token of the attempt that owns the row: only that attempt may write progress or the result,
  -- so a worker presumed dead that wakes up late cannot overwrite its successor.
  run_id uuid,
  worker_id text,
  -- A running attempt renews its lease; an expired lease means its worker died (embedded recovery).
  lease_until timestamptz,
  -- Earliest time a queued test may start (retry backoff in the embedded driver).
  available_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX test_queue_status_idx ON test_queue (status);
CREATE INDEX test_queue_user_id_idx ON test_queue (user_id, created_at DESC, test_id DESC);
-- The per-user limit counts a user's queued and running tests on every submission.
CREATE INDEX test_queue_active_user_idx ON test_queue (user_id) WHERE status IN ('queued', 'running');
CREATE INDEX test_queue_created_idx ON test_queue (created_at DESC, test_id DESC);
-- The embedded driver's dispatch order: highest priority first, then oldest.
CREATE INDEX test_queue_dispatch_idx ON test_queue (priority DESC, created_at, test_id) WHERE status = 'queued';
CREATE INDEX test_queue_completed_at_idx ON test_queue (completed_at) WHERE completed_at IS NOT NULL;

-- One result per test: the primary key is what makes "stored exactly once" hold.
CREATE TABLE test_results (
  test_id uuid PRIMARY KEY REFERENCES test_queue (test_id) ON DELETE CASCADE,
  passed boolean,
  score real,
  summary text NOT NULL,
  metrics jsonb NOT NULL DEFAULT '{}'::jsonb,
  findings jsonb NOT NULL DEFAULT '[]'::jsonb,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
