/**
 * Every environment variable TestWeb reads, with its default and meaning.
 * README's configuration table is generated from this list (`npm run docs:config`)
 * and a test keeps the two in step.
 */
export interface EnvVar {
  name: string;
  default?: string;
  description: string;
}

export const ENV_VARS: EnvVar[] = [
  {
    name: 'NODE_ENV',
    default: 'development',
    description: '`development`, `production` or `test`. Production refuses missing secrets.',
  },
  { name: 'PORT', default: '3001', description: 'HTTP port of the API, WebSocket and dashboard.' },
  {
    name: 'HOST',
    default: 'localhost',
    description: 'Address to listen on (`0.0.0.0` or `::` to accept remote connections).',
  },
  {
    name: 'DATA_DIR',
    default: './data',
    description: 'Where the embedded database and generated development secrets live.',
  },
  {
    name: 'DATABASE_URL',
    description:
      '`postgres://…` to use PostgreSQL 14+; `memory://` for a throw-away in-memory database; unset for the embedded PGlite database in `DATA_DIR`.',
  },
  {
    name: 'EMBEDDED_DB_SHARED_BUFFERS',
    default: '16MB',
    description:
      "The embedded database's page cache (PostgreSQL `shared_buffers`), resident from the start: raise it (e.g. `128MB`) for a busy embedded server with memory to spare.",
  },
  { name: 'DATABASE_POOL_MAX', default: '10', description: 'Maximum PostgreSQL connections per process.' },
  {
    name: 'REDIS_URL',
    description:
      '`redis://…` to run the queue (BullMQ), pub/sub, cache and rate limits on Redis 7; unset for in-process drivers.',
  },
  { name: 'WORKER_CONCURRENCY', default: '2', description: 'Tests one worker process runs at once.' },
  {
    name: 'ALLOW_PRIVATE_TARGETS',
    default: 'false',
    description:
      '`true` lets tests target loopback, private, link-local and metadata addresses (local development, tests). Keep `false` on a shared server.',
  },
  {
    name: 'OUTBOUND_TIMEOUT',
    default: '30s',
    description: 'Default timeout of one outbound request made by a test engine (connect, headers and body).',
  },
  {
    name: 'OUTBOUND_MAX_RESPONSE_BYTES',
    default: '10485760',
    description:
      'Largest response body an engine reads (compressed and decompressed); the rest is cut off and marked truncated.',
  },
  {
    name: 'STRESS_MAX_USERS',
    default: '1000',
    description: 'Most virtual users (or requests in flight) one stress test may use.',
  },
  { name: 'STRESS_MAX_DURATION', default: '10m', description: 'Longest stress test, e.g. `10m`.' },
  {
    name: 'STRESS_MAX_RATE',
    default: '10000',
    description: 'Highest arrival rate (requests/s) a stress test may ask for.',
  },
  {
    name: 'STRESS_WORKER_THREADS',
    default: '1',
    description:
      'Worker threads generating the load of one stress test (raise on machines with spare cores).',
  },
  {
    name: 'ARTIFACTS_MAX_TEST_BYTES',
    default: '26214400',
    description:
      "Stored (compressed) bytes of the files one test keeps (reports, screenshots; docs/ARTIFACTS.md). Files past it are dropped, in the order the engine gave them, and listed in the result's `details.artifactsDropped`. `0` stores none.",
  },
  {
    name: 'ARTIFACTS_MAX_TOTAL_BYTES',
    default: '2147483648',
    description:
      "Stored bytes of all tests' files together (at least `ARTIFACTS_MAX_TEST_BYTES`). A ring buffer: past it, the oldest tests' files are deleted to make room; results stay.",
  },
  {
    name: 'ARTIFACT_LINK_TTL',
    default: '15m',
    description:
      'Lifetime of the signed download links the artifacts list hands out (for `<img src>` and new tabs, which send no Authorization header).',
  },
  {
    name: 'CHROMIUM_PATH',
    description:
      'Chromium for the browser engines (Lighthouse, accessibility). Unset: the first of `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on `PATH`. Without one those engines are listed as unavailable (`apt install chromium`).',
  },
  {
    name: 'BROWSER_CONCURRENCY',
    default: '2',
    description:
      'Chromium sessions (browser-engine runs, one fresh Chromium each) at once per process, 1–16; more wait their turn.',
  },
  {
    name: 'BROWSER_SESSION_TIMEOUT',
    default: '120s',
    description:
      'Longest browser-engine session; past it Chromium is killed and the run fails (and is retried).',
  },
  {
    name: 'BROWSER_REFUSED_HOSTS',
    description:
      "Comma-separated hosts (`host`, `*.domain`, or `*` for every host name) the browser engines' proxy refuses without resolving or reporting them. Unset: Chromium's own background services (update.googleapis.com, clients2.google.com, …).",
  },
  {
    name: 'JWT_SECRET',
    description:
      'Secret (≥ 32 characters) signing access tokens. Required in production; generated into `DATA_DIR` in development.',
  },
  {
    name: 'ENCRYPTION_KEY',
    description:
      'Key (≥ 32 characters) encrypting stored secrets such as MFA seeds. Required in production; generated into `DATA_DIR` in development.',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.',
  },
  {
    name: 'CORS_ORIGINS',
    default: '',
    description:
      'Comma-separated origins allowed to call the API from a browser (`*` for any). Empty: same origin only.',
  },
  {
    name: 'BODY_LIMIT_BYTES',
    default: '524288',
    description: 'Largest accepted request body; larger bodies get 413.',
  },
  {
    name: 'TRUST_PROXY',
    default: 'false',
    description: '`true` when behind a reverse proxy, so client IPs come from `X-Forwarded-For`.',
  },
  {
    name: 'PUBLIC_URL',
    default: 'http://localhost:3001',
    description: 'Public base URL, used in links in e-mails and OAuth callbacks.',
  },
  {
    name: 'ACCESS_TOKEN_TTL',
    default: '15m',
    description: 'Lifetime of an access token (JWT), e.g. `15m`, `900s`.',
  },
  { name: 'REFRESH_TOKEN_TTL', default: '30d', description: 'Lifetime of a refresh session, e.g. `30d`.' },
  {
    name: 'REFRESH_REUSE_GRACE',
    default: '10s',
    description:
      'A rotated refresh token presented again within this window (a lost response) gets a fresh token instead of revoking its family.',
  },
  {
    name: 'AUTH_RATE_LIMIT_IP',
    default: '30/1m',
    description: 'Register and login attempts allowed per client IP, as `count/window`.',
  },
  {
    name: 'AUTH_RATE_LIMIT_ACCOUNT',
    default: '10/15m',
    description: 'Failed logins (and registrations) allowed per e-mail address, as `count/window`.',
  },
  {
    name: 'PASSWORD_MIN_SCORE',
    default: '3',
    description:
      'Lowest strength (zxcvbn score, 0–4) a new password needs; a weaker one is refused with 400 saying why and what would be stronger.',
  },
  {
    name: 'METRICS_TOKEN',
    description:
      'When set, `GET /metrics` (Prometheus) requires `Authorization: Bearer <METRICS_TOKEN>`; unset, it is open.',
  },
  {
    name: 'SHUTDOWN_TIMEOUT',
    default: '25s',
    description: 'How long a graceful shutdown waits for in-flight work before exiting.',
  },
  {
    name: 'QUEUE_PREFIX',
    default: 'testweb',
    description:
      'Key prefix of the BullMQ queue on Redis; installations (or test runs) sharing one Redis use different prefixes.',
  },
  {
    name: 'QUEUE_ATTEMPTS',
    default: '3',
    description:
      'Runs of one test before it is marked failed (the first included); failures retrying cannot fix fail at once.',
  },
  {
    name: 'QUEUE_BACKOFF',
    default: '2s',
    description: 'Wait before the first retry of a failed test; each further retry waits twice as long.',
  },
  {
    name: 'QUEUE_MAX_ACTIVE_PER_USER',
    default: '20',
    description: 'Queued plus running tests one user may have; more is answered with 429.',
  },
  {
    name: 'QUEUE_STALLED_INTERVAL',
    default: '30s',
    description:
      'A running test whose worker has not renewed its lock for this long (a crashed worker) is run again by another worker.',
  },
  {
    name: 'QUEUE_RECONCILE_INTERVAL',
    default: '1m',
    description:
      'How often the database is compared with the queue; tests the database holds as queued or running but the queue lost are enqueued again.',
  },
  {
    name: 'QUEUE_KEEP_COMPLETED',
    default: '1000',
    description:
      'Completed jobs kept in Redis (BullMQ); the database keeps every test and result regardless.',
  },
  { name: 'QUEUE_KEEP_FAILED', default: '5000', description: 'Failed jobs kept in Redis (BullMQ).' },
  {
    name: 'QUEUE_JOB_TIMEOUT',
    default: '15m',
    description: 'Longest run of one test attempt; the engine is aborted after it and the attempt fails.',
  },
  {
    name: 'REDIS_KEY_PREFIX',
    default: 'testweb:',
    description:
      'Prefix of every Redis key and pub/sub channel TestWeb uses, so several installations (or test runs) can share one Redis.',
  },
  {
    name: 'REALTIME_PING_INTERVAL',
    default: '30s',
    description:
      'How often the server pings each WebSocket; a socket that missed the previous pong is terminated.',
  },
  {
    name: 'REALTIME_BUFFER_SIZE',
    default: '200',
    description:
      'Messages kept per channel (per user for per-user channels) for `resume` and long-poll replay.',
  },
  {
    name: 'REALTIME_BUFFER_AGE',
    default: '10m',
    description:
      'Oldest message kept for replay; older gaps make `resume` answer `resume-gap` (refetch over REST).',
  },
  {
    name: 'REALTIME_SEND_BUFFER_BYTES',
    default: '1048576',
    description:
      'Bytes queued for one WebSocket before the server closes it with 1013 (a client that cannot keep up; it can reconnect and resume).',
  },
  {
    name: 'REALTIME_MAX_CONNECTIONS_PER_USER',
    default: '20',
    description: 'Open WebSockets plus held long-poll requests per user, per API process.',
  },
  {
    name: 'REALTIME_MAX_CONNECTIONS',
    default: '20000',
    description: 'Open WebSockets plus held long-poll requests per API process.',
  },
  {
    name: 'REALTIME_MAX_SUBSCRIPTIONS',
    default: '50',
    description: 'Channels one connection may subscribe to.',
  },
  {
    name: 'REALTIME_POLL_HOLD',
    default: '25s',
    description: 'How long `GET /api/realtime/poll` waits for a message before answering with none.',
  },
  {
    name: 'CACHE_ENABLED',
    default: 'true',
    description:
      '`false` turns the cache into a pass-through (every read goes to the database); for debugging and comparison.',
  },
  {
    name: 'CACHE_L1_MAX_ITEMS',
    default: '10000',
    description:
      'Entries the in-process (L1) cache of each process holds; least recently used entries go first.',
  },
  {
    name: 'CACHE_L1_MAX_BYTES',
    default: '67108864',
    description: 'Bytes of serialized values the in-process (L1) cache of each process holds.',
  },
  {
    name: 'CACHE_TTL_TEST_RESULT',
    default: '1h',
    description:
      'How long a test result (`test:result:{testId}`) stays cached; changes invalidate it sooner.',
  },
  {
    name: 'CACHE_TTL_USER_PERMISSIONS',
    default: '15m',
    description: "How long a user's permissions (`user:permissions:{userId}`) stay cached.",
  },
  {
    name: 'CACHE_TTL_CONFIG',
    default: '30m',
    description: 'How long a configuration value (`config:{key}`) stays cached.',
  },
  {
    name: 'CACHE_TTL_API_RESPONSE',
    default: '5m',
    description: 'How long a GET response of a route that opts into the response cache stays cached.',
  },
  {
    name: 'CACHE_GRACE',
    default: '10m',
    description:
      'How long past its TTL an entry may still be served when its source (the database) fails; `0` never serves stale data.',
  },
  {
    name: 'CACHE_REDIS_TIMEOUT',
    default: '500ms',
    description:
      'A Redis cache command slower than this counts as failed; the request is answered from the in-process cache or the database.',
  },
  {
    name: 'CACHE_REDIS_BREAKER',
    default: '5s',
    description:
      'After a Redis cache failure, Redis is skipped for this long instead of being retried on every request.',
  },
  {
    name: 'SMTP_URL',
    description:
      '`smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` to deliver e-mail; unset keeps every message in the outbox (`GET /api/admin/outbox`) and logs one line per message.',
  },
  {
    name: 'MAIL_FROM',
    default: 'TestWeb <testweb@localhost>',
    description: 'Sender of every e-mail (`Name <address>`); its domain also names the Message-IDs.',
  },
  {
    name: 'SMTP_TLS_REJECT_UNAUTHORIZED',
    default: 'true',
    description: '`false` accepts an SMTP server certificate that does not verify (self-signed relays only).',
  },
  {
    name: 'SMTP_POOL_SIZE',
    default: '2',
    description: 'SMTP connections one process keeps open and reuses.',
  },
  {
    name: 'SMTP_TIMEOUT',
    default: '30s',
    description: 'Longest wait for the SMTP server to connect, greet or answer one command.',
  },
  {
    name: 'EMAIL_MAX_ATTEMPTS',
    default: '5',
    description: 'Delivery attempts of one message before it is marked failed.',
  },
  {
    name: 'EMAIL_RETRY_BACKOFF',
    default: '30s',
    description: 'Wait before the second delivery attempt; each further attempt waits twice as long.',
  },
  {
    name: 'EMAIL_POLL_INTERVAL',
    default: '2s',
    description:
      'How often a process looks for due messages in the outbox (new messages of the same process go at once).',
  },
  {
    name: 'EMAIL_MAX_AGE',
    default: '24h',
    description:
      'A message not delivered this long after it was queued (written, or retried by an admin) is marked failed instead of sent late.',
  },
  {
    name: 'EMAIL_RATE_LIMIT_RECIPIENT',
    default: '30/1h',
    description:
      'Messages one address may be sent per window; beyond it a message is stored as failed (rate limited), not sent.',
  },
  {
    name: 'EMAIL_MAX_BYTES',
    default: '262144',
    description: 'Largest rendered message (text plus HTML); a larger one is refused when it is written.',
  },
  {
    name: 'EMAIL_RETENTION',
    default: '30d',
    description: 'Sent and failed messages older than this are deleted from the outbox.',
  },
  {
    name: 'USER_DAILY_TEST_QUOTA',
    default: '0',
    description:
      'Tests one user may submit per UTC day (`0` = unlimited); a warning notification at 80 %, 429 at 100 %. Admins may set a per-user quota.',
  },
  {
    name: 'NOTIFICATION_RETENTION',
    default: '90d',
    description: 'Notifications older than this are deleted (in batches, by a periodic job).',
  },
  {
    name: 'NOTIFICATION_RETENTION_INTERVAL',
    default: '1h',
    description: 'How often the retention job runs in each process.',
  },
  {
    name: 'MONITORING_INTERVAL',
    default: '10s',
    description:
      'How often each process records a platform sample (CPU, memory, event loop, API latency, queue, …) and renews its heartbeat.',
  },
  {
    name: 'MONITORING_RETENTION',
    default: '24h',
    description: 'How long platform samples are kept (downsampled to one per minute after the first hour).',
  },
  {
    name: 'SCHEDULE_MIN_INTERVAL',
    default: '30s',
    description: 'Shortest interval a schedule may have.',
  },
  {
    name: 'SCHEDULE_MAX_PER_USER',
    default: '100',
    description: 'Schedules one user may have (enabled or paused).',
  },
  {
    name: 'BASELINE_WINDOW',
    default: '20',
    description: "Successful runs of a schedule that make each metric's rolling baseline (median and MAD).",
  },
  {
    name: 'RESULT_RETENTION',
    default: '30d',
    description:
      'Results of scheduled runs older than this keep their metrics (history) but drop their details, nightly in batches.',
  },
  {
    name: 'ADMIN_EMAIL',
    default: '',
    description:
      'Comma-separated addresses that receive the e-mails of platform alert rules (docs/ALERTING.md). Empty: platform rules e-mail their creator.',
  },
  {
    name: 'ALERT_WEBHOOK_TIMEOUT',
    default: '5s',
    description: 'Timeout of one alert webhook delivery attempt (connect, headers and body).',
  },
  {
    name: 'ALERT_WEBHOOK_RETRY_SCHEDULE',
    default: '5s,5m,30m,2h,5h',
    description:
      'Waits before each retry of a failed alert webhook delivery, comma-separated durations; after the last one the delivery is failed.',
  },
  {
    name: 'ALERT_DELIVERY_POLL_INTERVAL',
    default: '1s',
    description:
      'How often a worker process looks for alert deliveries that are due (new ones are sent at once).',
  },
  {
    name: 'ALERT_RULES_MAX_PER_USER',
    default: '500',
    description: 'Alert rules one user may have.',
  },
  {
    name: 'ALERT_HISTORY_RETENTION',
    default: '90d',
    description: 'How long resolved alerts, their deliveries and delivery attempts are kept.',
  },
  {
    name: 'ENCRYPTION_KEY_PREVIOUS',
    default: '',
    description:
      'Comma-separated earlier values of ENCRYPTION_KEY: secrets stored under them still decrypt, and are re-encrypted under the current key when next written (docs/MFA.md).',
  },
  {
    name: 'MFA_TOKEN_TTL',
    default: '5m',
    description: 'Lifetime of the single-use token between the password and the MFA step of a login.',
  },
  { name: 'EMAIL_VERIFY_TTL', default: '24h', description: 'Lifetime of an e-mail verification link.' },
  { name: 'PASSWORD_RESET_TTL', default: '30m', description: 'Lifetime of a password reset link.' },
  {
    name: 'API_TOKEN_MAX_PER_USER',
    default: '50',
    description: 'Live personal API tokens one user may have (docs/API_TOKENS.md).',
  },
  {
    name: 'GOOGLE_CLIENT_ID',
    description:
      'Google OAuth client id; with GOOGLE_CLIENT_SECRET it turns on "Sign in with Google" (docs/OAUTH.md).',
  },
  { name: 'GOOGLE_CLIENT_SECRET', description: 'Google OAuth client secret.' },
  {
    name: 'GOOGLE_CALLBACK_URL',
    description: 'Redirect URI registered with Google. Default: `PUBLIC_URL/api/auth/oauth/google/callback`.',
  },
  {
    name: 'GOOGLE_ISSUER_URL',
    default: 'https://accounts.google.com',
    description:
      'OpenID Connect issuer for Google sign-in (its discovery document is read from `/.well-known/openid-configuration`); tests point it at a local mock.',
  },
  {
    name: 'GITHUB_CLIENT_ID',
    description: 'GitHub OAuth app client id; with GITHUB_CLIENT_SECRET it turns on "Sign in with GitHub".',
  },
  { name: 'GITHUB_CLIENT_SECRET', description: 'GitHub OAuth app client secret.' },
  {
    name: 'GITHUB_CALLBACK_URL',
    description: 'Callback URL registered with GitHub. Default: `PUBLIC_URL/api/auth/oauth/github/callback`.',
  },
  {
    name: 'GITHUB_OAUTH_URL',
    default: 'https://github.com',
    description:
      "Base of GitHub's `/login/oauth/authorize` and `/login/oauth/access_token` (GitHub Enterprise, or a local fake in tests).",
  },
  {
    name: 'GITHUB_API_URL',
    default: 'https://api.github.com',
    description: "Base of GitHub's REST API (`/user`, `/user/emails`).",
  },
];
