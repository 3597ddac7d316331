-- Monitoring: the processes of a deployment (API and workers) with their heartbeats, the platform
-- samples each records every MONITORING_INTERVAL, and the last overall status (docs/MONITORING.md).
-- PostgreSQL 14+ and PGlite.

-- One row per process, written when it starts and renewed with every sample. A process that misses three
-- heartbeats is shown as down; one that shut down gracefully says so in stopped_at.
CREATE TABLE monitoring_instances (
  -- hostname:pid:random, the same id the process writes on the tests it runs.
  id text PRIMARY KEY,
  role text NOT NULL CHECK (role IN ('api', 'worker', 'api+worker')),
  host text NOT NULL,
  pid integer NOT NULL,
  version text NOT NULL,
  started_at timestamptz NOT NULL,
  last_heartbeat timestamptz NOT NULL,
  stopped_at timestamptz,
  -- Worker slots of the process (0 for an API process without a worker) and the tests it runs right now.
  concurrency integer NOT NULL DEFAULT 0,
  running integer NOT NULL DEFAULT 0
);
CREATE INDEX monitoring_instances_heartbeat ON monitoring_instances (last_heartbeat);

-- One row per process per interval (resolution 'raw'); rows older than an hour are folded into one row per
-- instance per minute (resolution 'minute', sample_count says how many raw rows it stands for), and rows
-- older than MONITORING_RETENTION are deleted. Figures are null where the process has none (no requests in
-- the last minute, Redis not configured, a dependency that did not answer).
CREATE TABLE platform_samples (
  instance_id text NOT NULL,
  role text NOT NULL,
  sampled_at timestamptz NOT NULL,
  resolution text NOT NULL DEFAULT 'raw' CHECK (resolution IN ('raw', 'minute')),
  sample_count integer NOT NULL DEFAULT 1,
  -- CPU seconds of the process per wall second over the interval (1 = one core busy).
  cpu_ratio double precision,
  rss_bytes double precision,
  heap_used_bytes double precision,
  event_loop_p99_seconds double precision,
  -- HTTP requests answered over the last minute, their p95 and the share answered with a 5xx.
  api_requests_per_minute double precision,
  api_p95_seconds double precision,
  api_error_ratio double precision,
  queue_waiting double precision,
  queue_active double precision,
  -- Tests this process finished over the last minute.
  tests_completed_per_minute double precision,
  tests_failed_per_minute double precision,
  running_tests double precision,
  ws_connections double precision,
  cache_hit_ratio double precision,
  -- Cache operations that failed over the last minute (Redis L2 or bus down: reads went to the source).
  cache_errors_per_minute double precision,
  db_rtt_seconds double precision,
  redis_rtt_seconds double precision,
  PRIMARY KEY (sampled_at, instance_id, resolution)
);
CREATE INDEX platform_samples_resolution_time ON platform_samples (resolution, sampled_at);
CREATE INDEX platform_samples_instance_time ON platform_samples (instance_id, sampled_at);

-- The last overall status any process computed: a process publishes monitoring.status only when its
-- compare-and-set here changes the row, so a change is announced once however many processes notice it.
CREATE TABLE monitoring_status (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  status text NOT NULL CHECK (status IN ('unknown', 'ok', 'degraded', 'down')),
  previous text,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO monitoring_status (id, status) VALUES (1, 'unknown');
