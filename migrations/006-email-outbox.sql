-- E-mail: the transactional outbox (every message is a row first, written in the caller's transaction),
-- delivered by the outbox dispatcher with retries. PostgreSQL 14+ and PGlite.

-- The language of a user's e-mails and notifications.
ALTER TABLE users ADD COLUMN locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'zh-CN'));

CREATE TABLE email_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Who it is for (null for mail not tied to an account); the address is the one at the time of sending.
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  recipient text NOT NULL,
  template text NOT NULL,
  locale text NOT NULL,
  subject text NOT NULL,
  body_text text NOT NULL,
  body_html text NOT NULL,
  -- Fixed when the row is written, so every attempt sends the same Message-ID.
  message_id text NOT NULL UNIQUE,
  -- pending → sending (an attempt is in flight) → sent | failed; a failed attempt that may retry goes
  -- back to pending with next_attempt_at in the future.
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- The attempt in flight: its dispatcher and how long it may take before it counts as interrupted.
  locked_by text,
  lease_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- When it was last queued (written, or put back by an admin's retry): EMAIL_MAX_AGE counts from here.
  queued_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- The dispatcher's claim: due pending rows, oldest first.
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at, created_at) WHERE status = 'pending';
-- Attempts whose dispatcher died (lease expired while sending).
CREATE INDEX email_outbox_sending_idx ON email_outbox (lease_until) WHERE status = 'sending';
-- The admin list, newest first, and the per-recipient rate limit.
CREATE INDEX email_outbox_created_idx ON email_outbox (created_at DESC, id DESC);
CREATE INDEX email_outbox_recipient_idx ON email_outbox (lower(recipient), created_at DESC);
