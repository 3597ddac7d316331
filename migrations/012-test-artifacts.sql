-- Files a test's engine produced (a Lighthouse report, a screenshot, filmstrip frames): docs/ARTIFACTS.md.
-- In the database rather than a directory: in services mode the API and worker processes may run on
-- different machines that share only PostgreSQL and Redis; deleting a test deletes its files (the
-- foreign key); and one backup holds everything.
CREATE TABLE test_artifacts (
  test_id uuid NOT NULL REFERENCES test_queue (test_id) ON DELETE CASCADE,
  -- The test's owner, copied so owner-scoped reads need no join.
  user_id uuid NOT NULL,
  name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
  content_type text NOT NULL,
  label text,
  -- Text types (json, html, svg, text) are stored gzipped; images as they are.
  encoding text NOT NULL CHECK (encoding IN ('gzip', 'identity')),
  -- The original bytes, and what the row holds (what the caps count).
  size integer NOT NULL,
  stored_size integer NOT NULL,
  -- SHA-256 of the original bytes (hex): the response's ETag.
  sha256 text NOT NULL,
  data bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (test_id, name)
);
-- The ring buffer evicts the oldest tests' artifacts first when ARTIFACTS_MAX_TOTAL_BYTES would be passed.
CREATE INDEX test_artifacts_created_at_idx ON test_artifacts (created_at, test_id);
