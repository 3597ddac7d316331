-- Revoked sessions' access tokens stop working at once (docs/AUTH.md): every process re-reads the sessions
-- revoked among those issued within one access-token lifetime (at start and every 30 s), which this index
-- keeps to a range scan of the last minutes instead of the whole table.
CREATE INDEX refresh_sessions_created_at_idx ON refresh_sessions (created_at);
