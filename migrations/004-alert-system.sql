-- Alerting: rules over any result metric or platform sample, their per-series state, the history of
-- alerts, and the durable delivery of each alert to each channel (docs/ALERTING.md).
-- Numbered 004 as the seed planned: on a database created before it, it is applied after 008, so it
-- refers only to tables of 001 and 003 (a rule's schedule id is therefore not a foreign key).
-- PostgreSQL 14+ and PGlite.

-- Tests carry tags (a schedule's tags go to each run it submits); rules can be scoped by them.
ALTER TABLE test_queue ADD COLUMN tags text[] NOT NULL DEFAULT '{}';

-- One signing endpoint per rule with a webhook: its URL, its whsec_ secret sealed under ENCRYPTION_KEY
-- (src/shared/crypto), and whether a 410 Gone (or an admin) disabled it.
CREATE TABLE alert_webhooks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  url text NOT NULL,
  secret_sealed text NOT NULL,
  disabled_at timestamptz,
  disabled_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_webhooks_user_id_idx ON alert_webhooks (user_id);

-- The seed's columns (threshold as double precision rather than numeric: drivers return numeric as
-- text) plus scope, for/resolve counts, resolve notices, reminders and mute.
CREATE TABLE alert_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  description text,
  metric_name text NOT NULL,
  condition text NOT NULL CHECK (condition IN ('gt', 'lt', 'eq', 'gte', 'lte', 'neq', 'absent')),
  threshold double precision,
  CHECK ((condition = 'absent') = (threshold IS NULL)),
  severity text NOT NULL DEFAULT 'medium' CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  channels jsonb NOT NULL DEFAULT '["email"]'::jsonb,
  -- Seconds after a firing notice in which the series does not notify firing again.
  cooldown integer NOT NULL DEFAULT 300 CHECK (cooldown >= 0),
  is_active boolean NOT NULL DEFAULT true,
  created_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- 'tests': the owner's test results, narrowed by scope_test_type, scope_schedule_id, scope_url_glob
  -- and scope_tags (all of them); 'platform': the monitoring samples (admins only).
  scope_kind text NOT NULL DEFAULT 'tests' CHECK (scope_kind IN ('tests', 'platform')),
  scope_test_type text,
  scope_schedule_id uuid,
  scope_url_glob text,
  scope_tags text[] NOT NULL DEFAULT '{}',
  for_count integer NOT NULL DEFAULT 1 CHECK (for_count BETWEEN 1 AND 1000),
  resolve_count integer NOT NULL DEFAULT 1 CHECK (resolve_count BETWEEN 1 AND 1000),
  notify_on_resolve boolean NOT NULL DEFAULT true,
  -- Seconds between reminders while firing; null: no reminders.
  repeat_interval integer CHECK (repeat_interval IS NULL OR repeat_interval > 0),
  muted_until timestamptz,
  webhook_id uuid REFERENCES alert_webhooks (id) ON DELETE SET NULL,
  -- Addresses for the e-mail channel; null: the owner (ADMIN_EMAIL for platform rules).
  email_recipients text[]
);
-- The evaluator finds candidate rules by owner and test type (or by platform scope), never by scanning.
CREATE INDEX alert_rules_owner_type_idx ON alert_rules (created_by, scope_test_type) WHERE is_active;
CREATE INDEX alert_rules_platform_idx ON alert_rules (metric_name) WHERE is_active AND scope_kind = 'platform';

-- Where each series of each rule stands: a rule scoped to a URL glob keeps one row per URL, a platform
-- rule one per instance. last_event_id makes a second evaluation of the same event a no-op.
CREATE TABLE alert_states (
  rule_id uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  series_key text NOT NULL,
  state text NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'pending', 'firing')),
  breaching_count integer NOT NULL DEFAULT 0,
  healthy_count integer NOT NULL DEFAULT 0,
  last_value double precision,
  last_event_id text,
  last_evaluated_at timestamptz,
  -- The alert_history row of the current firing episode.
  alert_id uuid,
  last_fired_at timestamptz,
  last_notified_at timestamptz,
  next_reminder_at timestamptz,
  PRIMARY KEY (rule_id, series_key)
);
CREATE INDEX alert_states_reminder_idx ON alert_states (next_reminder_at) WHERE next_reminder_at IS NOT NULL;

-- The seed's columns plus the owner (history outlives its rule), the series, and the episode's state.
CREATE TABLE alert_history (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  rule_id uuid REFERENCES alert_rules (id) ON DELETE SET NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  title text NOT NULL,
  description text,
  severity text NOT NULL,
  -- { name, value, condition, threshold, testId, scheduleId, url, instanceId, … } at the firing.
  metric_data jsonb NOT NULL,
  series_key text NOT NULL,
  platform boolean NOT NULL DEFAULT false,
  state text NOT NULL DEFAULT 'firing' CHECK (state IN ('firing', 'resolved')),
  triggered_at timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by uuid REFERENCES users (id) ON DELETE SET NULL,
  resolved_at timestamptz,
  resolved_value double precision,
  reminders_sent integer NOT NULL DEFAULT 0
);
CREATE INDEX alert_history_user_triggered_idx ON alert_history (user_id, triggered_at DESC, id DESC);
CREATE INDEX alert_history_rule_idx ON alert_history (rule_id, triggered_at DESC);
CREATE INDEX alert_history_resolved_idx ON alert_history (resolved_at) WHERE resolved_at IS NOT NULL;

-- One row per alert notice per channel, written in the transaction that changed the state (an outbox):
-- a dispatcher claims due rows with FOR UPDATE SKIP LOCKED, so channels fail and retry independently.
-- The row id is the webhook-id header (the same on every retry).
CREATE TABLE alert_deliveries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- null for a rule's test send (POST /api/alerts/rules/:id/test).
  alert_id uuid REFERENCES alert_history (id) ON DELETE CASCADE,
  rule_id uuid REFERENCES alert_rules (id) ON DELETE SET NULL,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  channel text NOT NULL CHECK (channel IN ('email', 'webhook', 'in_app')),
  event text NOT NULL CHECK (event IN ('alert.triggered', 'alert.resolved', 'alert.reminder', 'alert.test')),
  webhook_id uuid REFERENCES alert_webhooks (id) ON DELETE SET NULL,
  -- The alert as the channels render it (the webhook body's `alert`, the e-mail's fields).
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'skipped')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until timestamptz,
  worker_id text,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX alert_deliveries_alert_idx ON alert_deliveries (alert_id);
CREATE INDEX alert_deliveries_user_idx ON alert_deliveries (user_id, created_at DESC, id DESC);

-- Every attempt of a delivery: when, how long, the response code or the error.
CREATE TABLE alert_delivery_attempts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  delivery_id uuid NOT NULL REFERENCES alert_deliveries (id) ON DELETE CASCADE,
  attempt integer NOT NULL,
  started_at timestamptz NOT NULL,
  duration_ms integer,
  status_code integer,
  error text,
  ok boolean NOT NULL
);
CREATE INDEX alert_delivery_attempts_delivery_idx ON alert_delivery_attempts (delivery_id, attempt);
