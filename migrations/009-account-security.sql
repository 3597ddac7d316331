-- Account security: verified e-mail, disabled accounts, MFA state, single-use e-mail links, login
-- challenges (the MFA step, OAuth's one-time exchange code), OAuth authorization state and personal API
-- tokens (docs/AUTH.md, docs/MFA.md, docs/OAUTH.md). PostgreSQL 14+ and PGlite.

-- Accounts that existed before verification did count as verified.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
UPDATE users SET email_verified_at = created_at;
-- A disabled account's sessions and tokens stop working at once (admins).
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
ALTER TABLE users ADD COLUMN password_changed_at timestamptz;
-- Set by mfa/setup, moved to mfa_secret_encrypted by mfa/enable; both sealed (src/shared/crypto).
ALTER TABLE users ADD COLUMN mfa_pending_secret_encrypted text;
-- The last accepted TOTP time step: a code of that step (or an earlier one) is refused (replay).
ALTER TABLE users ADD COLUMN mfa_last_step bigint;

ALTER TABLE refresh_sessions ADD COLUMN last_used_at timestamptz;

-- Single-use links sent by e-mail; only the SHA-256 of the token is stored.
CREATE TABLE account_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'change_email')),
  token_hash text NOT NULL UNIQUE,
  -- The address being verified (change_email: the new one).
  email text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id, purpose);

-- Short-lived single-use tokens of a sign-in in progress: 'mfa' (after the password or OAuth, before
-- the second factor) and 'oauth_exchange' (the one-time code an OAuth callback redirects with).
CREATE TABLE login_challenges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('mfa', 'oauth_exchange')),
  token_hash text NOT NULL UNIQUE,
  -- e.g. { method: 'password' | 'google' | 'github', ip, userAgent }
  meta jsonb NOT NULL DEFAULT '{}'::jsonb,
  failed_attempts integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_challenges_user_idx ON login_challenges (user_id);
CREATE INDEX login_challenges_expires_idx ON login_challenges (expires_at);

-- An OAuth authorization in flight: the state (hashed), PKCE verifier and nonce, and the signed-in user
-- when the flow links a provider instead of signing in.
CREATE TABLE oauth_states (
  state_hash text PRIMARY KEY,
  provider text NOT NULL,
  code_verifier text NOT NULL,
  nonce text,
  link_user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX oauth_states_expires_idx ON oauth_states (expires_at);

-- Personal API tokens (`tw_…`): shown once, stored as SHA-256, with scopes, optional expiry, last use.
CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  -- The first characters of the token, shown in lists so a user can tell tokens apart.
  token_prefix text NOT NULL,
  scopes text[] NOT NULL,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);
