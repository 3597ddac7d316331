import { ConfigError, parseBool, parseDurationMs, parseIntIn, parseRate, type RateSpec } from './parse.ts';
import { ENV_VARS } from './env.schema.ts';
import { parseBrowserConfig, type BrowserConfig } from './browser-config.ts';
import { resolveSecrets } from './secrets.ts';
import { parseRealtimeConfig, type RealtimeConfig } from './realtime-config.ts';
import { parseCacheConfig, type CacheConfig } from './cache-config.ts';
import { parseQueueConfig, type QueueConfig } from './queue-config.ts';
import { parseMonitoringConfig, type MonitoringConfig } from './monitoring-config.ts';
import { parseSchedulesConfig, type SchedulesConfig } from './schedules-config.ts';
import { parseAlertsConfig, type AlertsConfig } from './alerts-config.ts';
import { parseAccountConfig, type AccountConfig } from './account-config.ts';
import { parseArtifactsConfig, type ArtifactsConfig } from './artifacts-config.ts';
import {
  parseEmailConfig,
  parseNotificationsConfig,
  type EmailConfig,
  type NotificationsConfig,
} from './email-config.ts';
import path from 'node:path';

export type DatabaseConfig =
  | { driver: 'pg'; url: string; poolMax: number }
  /** sharedBuffers: PostgreSQL's shared_buffers inside PGlite (its default when absent). */
  | { driver: 'pglite'; dir: string | null; sharedBuffers?: string };

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  /** null: in-process queue, events, cache and rate limits. */
  redisUrl: string | null;
  workerConcurrency: number;
  allowPrivateTargets: boolean;
  /** Test engines: outbound request defaults and stress caps. */
  engines: {
    requestTimeoutMs: number;
    maxResponseBytes: number;
    stressMaxUsers: number;
    stressMaxDurationMs: number;
    stressMaxRate: number;
    stressWorkers: number;
  };
  /** The Chromium pool of the browser engines. */
  browser: BrowserConfig;
  jwtSecret: string;
  encryptionKey: string;
  logLevel: string;
  corsOrigins: string[] | '*';
  bodyLimitBytes: number;
  trustProxy: boolean;
  publicUrl: string;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  refreshReuseGraceMs: number;
  authRateLimitIp: RateSpec;
  authRateLimitAccount: RateSpec;
  /** Lowest zxcvbn score (0–4) a new password needs. */
  passwordMinScore: number;
  shutdownTimeoutMs: number;
  metricsToken: string | null;
  queue: QueueConfig;
  /** Prefix of every Redis key and pub/sub channel. */
  redisKeyPrefix: string;
  realtime: RealtimeConfig;
  cache: CacheConfig;
  email: EmailConfig;
  notifications: NotificationsConfig;
  monitoring: MonitoringConfig;
  schedules: SchedulesConfig;
  alerts: AlertsConfig;
  account: AccountConfig;
  /** Result artifacts: caps and signed-link lifetime (docs/ARTIFACTS.md). */
  artifacts: ArtifactsConfig;
}

export interface LoadedConfig {
  config: Config;
  /** Lines worth logging once a logger exists (e.g. "generated a development secret"). */
  notices: string[];
}

type Env = Record<string, string | undefined>;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function defaults(env: Env): Env {
  const out: Env = {};
  for (const v of ENV_VARS) out[v.name] = env[v.name] ?? v.default;
  return out;
}

function need<T>(
  name: string,
  value: string | undefined,
  expected: string,
  parse: (v: string) => T | undefined,
): T {
  const parsed = value === undefined ? undefined : parse(value);
  if (parsed === undefined) throw new ConfigError(name, expected, value);
  return parsed;
}

function duration(e: Env, name: string): number {
  return need(name, e[name], 'a duration such as 30s, 15m, 7d', parseDurationMs);
}

function parseDatabase(e: Env, dataDir: string): DatabaseConfig {
  const url = e.DATABASE_URL?.trim();
  const sharedBuffers = need(
    'EMBEDDED_DB_SHARED_BUFFERS',
    e.EMBEDDED_DB_SHARED_BUFFERS,
    'a size such as 16MB (kB, MB or GB)',
    (v) => (/^\d+(kB|MB|GB)$/.test(v.trim()) ? v.trim() : undefined),
  );
  if (!url) return { driver: 'pglite', dir: path.join(dataDir, 'pgdata'), sharedBuffers };
  if (url === 'memory://') return { driver: 'pglite', dir: null, sharedBuffers };
  if (!/^postgres(ql)?:\/\/.+/.test(url))
    throw new ConfigError('DATABASE_URL', 'a postgres:// URL or memory://', '<redacted>');
  return {
    driver: 'pg',
    url,
    poolMax: need('DATABASE_POOL_MAX', e.DATABASE_POOL_MAX, 'an integer 1–1000', (v) =>
      parseIntIn(v, 1, 1000),
    ),
  };
}

function parseRedisUrl(value: string | undefined): string | null {
  const url = value?.trim();
  if (!url) return null;
  if (!/^rediss?:\/\/.+/.test(url))
    throw new ConfigError('REDIS_URL', 'a redis:// or rediss:// URL', '<redacted>');
  return url;
}

function parseCors(value: string): string[] | '*' {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.includes('*')) return '*';
  for (const origin of list) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      throw new ConfigError('CORS_ORIGINS', 'origins like https://app.example.com, comma-separated', value);
  }
  return list;
}

/**
 * Reads and validates every environment variable once. Throws a ConfigError whose message is one line
 * naming the variable and what was expected.
 */
function publicUrlOf(e: Env): string {
  return need('PUBLIC_URL', e.PUBLIC_URL, 'an http(s) URL', (v) =>
    /^https?:\/\/\S+$/.test(v) ? v.replace(/\/$/, '') : undefined,
  );
}

export function loadConfig(rawEnv: Env = process.env): LoadedConfig {
  const e = defaults(rawEnv);
  const env = need('NODE_ENV', e.NODE_ENV, 'development, production or test', (v) =>
    v === 'development' || v === 'production' || v === 'test' ? v : undefined,
  );
  const dataDir = path.resolve(e.DATA_DIR!);
  const database = parseDatabase(e, dataDir);
  const secrets = resolveSecrets({
    env,
    dataDir,
    persist: database.driver !== 'pglite' || database.dir !== null,
    given: { JWT_SECRET: e.JWT_SECRET, ENCRYPTION_KEY: e.ENCRYPTION_KEY },
  });
  const config: Config = {
    env,
    port: need('PORT', e.PORT, 'a port number 0–65535', (v) => parseIntIn(v, 0, 65535)),
    host: need('HOST', e.HOST, 'a host name or address', (v) => (v.trim() ? v.trim() : undefined)),
    dataDir,
    database,
    redisUrl: parseRedisUrl(e.REDIS_URL),
    workerConcurrency: need('WORKER_CONCURRENCY', e.WORKER_CONCURRENCY, 'an integer 1–64', (v) =>
      parseIntIn(v, 1, 64),
    ),
    allowPrivateTargets: need('ALLOW_PRIVATE_TARGETS', e.ALLOW_PRIVATE_TARGETS, 'true or false', parseBool),
    engines: {
      requestTimeoutMs: duration(e, 'OUTBOUND_TIMEOUT'),
      maxResponseBytes: need(
        'OUTBOUND_MAX_RESPONSE_BYTES',
        e.OUTBOUND_MAX_RESPONSE_BYTES,
        'an integer 1024–1073741824',
        (v) => parseIntIn(v, 1024, 1_073_741_824),
      ),
      stressMaxUsers: need('STRESS_MAX_USERS', e.STRESS_MAX_USERS, 'an integer 1–100000', (v) =>
        parseIntIn(v, 1, 100_000),
      ),
      stressMaxDurationMs: duration(e, 'STRESS_MAX_DURATION'),
      stressMaxRate: need('STRESS_MAX_RATE', e.STRESS_MAX_RATE, 'an integer 1–1000000', (v) =>
        parseIntIn(v, 1, 1_000_000),
      ),
      stressWorkers: need('STRESS_WORKER_THREADS', e.STRESS_WORKER_THREADS, 'an integer 1–64', (v) =>
        parseIntIn(v, 1, 64),
      ),
    },
    browser: parseBrowserConfig(e),
    jwtSecret: secrets.jwtSecret,
    encryptionKey: secrets.encryptionKey,
    logLevel: need('LOG_LEVEL', e.LOG_LEVEL, LOG_LEVELS.join(', '), (v) =>
      LOG_LEVELS.includes(v) ? v : undefined,
    ),
    corsOrigins: parseCors(e.CORS_ORIGINS ?? ''),
    bodyLimitBytes: need('BODY_LIMIT_BYTES', e.BODY_LIMIT_BYTES, 'an integer 1024–104857600', (v) =>
      parseIntIn(v, 1024, 104_857_600),
    ),
    trustProxy: need('TRUST_PROXY', e.TRUST_PROXY, 'true or false', parseBool),
    publicUrl: publicUrlOf(e),
    accessTokenTtlMs: duration(e, 'ACCESS_TOKEN_TTL'),
    refreshTokenTtlMs: duration(e, 'REFRESH_TOKEN_TTL'),
    refreshReuseGraceMs: duration(e, 'REFRESH_REUSE_GRACE'),
    authRateLimitIp: need(
      'AUTH_RATE_LIMIT_IP',
      e.AUTH_RATE_LIMIT_IP,
      'count/window such as 30/1m',
      parseRate,
    ),
    authRateLimitAccount: need(
      'AUTH_RATE_LIMIT_ACCOUNT',
      e.AUTH_RATE_LIMIT_ACCOUNT,
      'count/window such as 10/15m',
      parseRate,
    ),
    passwordMinScore: need('PASSWORD_MIN_SCORE', e.PASSWORD_MIN_SCORE, 'an integer 0–4', (v) =>
      parseIntIn(v, 0, 4),
    ),
    shutdownTimeoutMs: duration(e, 'SHUTDOWN_TIMEOUT'),
    metricsToken: e.METRICS_TOKEN?.trim() || null,
    queue: parseQueueConfig(e),
    redisKeyPrefix: need(
      'REDIS_KEY_PREFIX',
      e.REDIS_KEY_PREFIX,
      'letters, digits and :._- (up to 64)',
      (v) => (/^[\w:.-]{1,64}$/.test(v) ? v : undefined),
    ),
    realtime: parseRealtimeConfig(e),
    cache: parseCacheConfig(e),
    email: parseEmailConfig(e),
    notifications: parseNotificationsConfig(e),
    monitoring: parseMonitoringConfig(e),
    schedules: parseSchedulesConfig(e),
    alerts: parseAlertsConfig(e),
    account: parseAccountConfig(e, publicUrlOf(e)),
    artifacts: parseArtifactsConfig(e),
  };
  return { config, notices: secrets.notices };
}
