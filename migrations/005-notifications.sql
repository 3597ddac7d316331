-- The in-app notification centre (seed week 2, days 4–5). PostgreSQL 14+ and PGlite.
-- Seed columns first (timestamps as timestamptz); dedupe_key makes a source's notification idempotent:
-- the same test's completion, or the same day's quota warning, is stored once per user however often
-- its event arrives.

CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type varchar(50) NOT NULL
    CHECK (type IN ('test_completed', 'test_failed', 'alert_triggered', 'system_update', 'quota_warning')),
  title varchar(255) NOT NULL,
  content text,
  data jsonb,
  is_read boolean NOT NULL DEFAULT false,
  action_url text,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  dedupe_key text
);
-- The seed's indexes.
CREATE INDEX idx_notifications_user ON notifications (user_id, is_read);
CREATE INDEX idx_notifications_created ON notifications (created_at DESC);
-- The inbox: a user's newest first (cursor = created_at, id); the unread count and ?unread=true use the
-- partial one, which holds only unread rows.
CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_user_unread_idx ON notifications (user_id, created_at DESC, id DESC)
  WHERE NOT is_read;
-- ?type= pages: without it a rare type in a large inbox walks every row of the user (9 ms at 13,000 rows).
CREATE INDEX notifications_user_type_created_idx ON notifications (user_id, type, created_at DESC, id DESC);
CREATE UNIQUE INDEX notifications_dedupe_key ON notifications (user_id, dedupe_key);

-- The unread badge: one counter row per user, kept exact by the statement-level triggers below in the
-- transaction of every insert, read/unread change and delete, so GET /api/notifications/unread-count is a
-- primary-key read instead of a count over a large inbox (6,700 unread rows cost 1.7 ms of index scan on
-- PostgreSQL; the counter 0.02 ms). Transition tables make a batch (a broadcast, read-all, retention) one
-- grouped upsert per statement; rows are locked in user order, so concurrent batches cannot deadlock.
CREATE TABLE notification_unread_counts (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  unread integer NOT NULL DEFAULT 0
);

CREATE FUNCTION notification_unread_apply(deltas jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_unread_counts AS c (user_id, unread)
    SELECT (d.key)::uuid, (d.value)::int FROM jsonb_each_text(deltas) AS d
    WHERE (d.value)::int <> 0 AND EXISTS (SELECT 1 FROM users u WHERE u.id = (d.key)::uuid)
    ORDER BY 1
  ON CONFLICT (user_id) DO UPDATE SET unread = greatest(c.unread + EXCLUDED.unread, 0);
END $$;

CREATE FUNCTION notification_unread_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notification_unread_apply(coalesce(
    (SELECT jsonb_object_agg(user_id, n) FROM
      (SELECT user_id, count(*) AS n FROM new_rows WHERE NOT is_read GROUP BY user_id) g), '{}'::jsonb));
  RETURN NULL;
END $$;

CREATE FUNCTION notification_unread_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notification_unread_apply(coalesce(
    (SELECT jsonb_object_agg(user_id, -n) FROM
      (SELECT user_id, count(*) AS n FROM old_rows WHERE NOT is_read GROUP BY user_id) g), '{}'::jsonb));
  RETURN NULL;
END $$;

CREATE FUNCTION notification_unread_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM notification_unread_apply(coalesce(
    (SELECT jsonb_object_agg(user_id, n) FROM
      (SELECT user_id, sum(d) AS n FROM (
         SELECT user_id, 1 AS d FROM new_rows WHERE NOT is_read
         UNION ALL
         SELECT user_id, -1 AS d FROM old_rows WHERE NOT is_read) x
       GROUP BY user_id) g), '{}'::jsonb));
  RETURN NULL;
END $$;

CREATE TRIGGER notifications_unread_insert AFTER INSERT ON notifications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notification_unread_on_insert();
CREATE TRIGGER notifications_unread_delete AFTER DELETE ON notifications
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION notification_unread_on_delete();
CREATE TRIGGER notifications_unread_update AFTER UPDATE ON notifications
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION notification_unread_on_update();

-- The sources' idempotency for every channel: a source claims (user, key) here in the transaction that
-- writes its in-app row and its e-mail, so a duplicated event sends no second e-mail even when the user
-- turned in-app notifications off (no notifications row to conflict with), nor brings back one the user
-- deleted. Retention drops keys as old as the notifications it deletes.
CREATE TABLE notification_dedupe (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  dedupe_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, dedupe_key)
);
CREATE INDEX notification_dedupe_created_idx ON notification_dedupe (created_at);

-- Preferences: the seed's row, with email_enabled / push_enabled as the master switches of the e-mail and
-- in-app channels and categories = { "<type>": { "in_app": bool, "email": bool } } (missing entries take
-- the defaults). push_enabled defaults to true, not the seed's false: in-app notifications are on unless
-- the user turns them off.
CREATE TABLE notification_preferences (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  email_enabled boolean NOT NULL DEFAULT true,
  push_enabled boolean NOT NULL DEFAULT true,
  categories jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Admin broadcasts (system_update): fanned out to every user in batches by a background loop that resumes
-- from `cursor_user_id` after a restart.
CREATE TABLE notification_broadcasts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  title varchar(255) NOT NULL,
  content text,
  action_url text,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  cursor_user_id uuid,
  delivered integer NOT NULL DEFAULT 0,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  completed_at timestamptz,
  -- The process fanning it out and until when; every batch's commit is fenced by it.
  locked_by text,
  lease_until timestamptz
);
CREATE INDEX notification_broadcasts_open_idx ON notification_broadcasts (created_at) WHERE status IN ('pending', 'running');

-- Per-user daily test quota (test submissions): an admin's override of USER_DAILY_TEST_QUOTA, and the day
-- (UTC) the 80 % warning was last given, so it is given once a day.
CREATE TABLE user_quotas (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  daily_test_quota integer CHECK (daily_test_quota >= 0),
  warned_day date,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Counting a user's submissions since midnight UTC uses test_queue_user_id_idx (user_id, created_at DESC, ...).
