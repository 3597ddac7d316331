import { ConfigError, readDuration as ms } from './parse.ts';

/** The platform's self-monitoring (docs/MONITORING.md). */
export interface MonitoringConfig {
  /** How often each process records a sample and renews its heartbeat; three missed ones mark it down. */
  intervalMs: number;
  /** How long samples are kept (raw for the first hour, then one per minute per instance). */
  retentionMs: number;
}

type Env = Record<string, string | undefined>;

const HOUR_MS = 3_600_000;

/** `e` already carries the defaults from ENV_VARS. */
export function parseMonitoringConfig(e: Env): MonitoringConfig {
  // 100 ms is for tests (three missed heartbeats within a second); production keeps the 10 s default.
  const intervalMs = ms(e, 'MONITORING_INTERVAL', 100, 600_000);
  const retentionMs = ms(e, 'MONITORING_RETENTION', 60_000, 90 * 24 * HOUR_MS);
  if (retentionMs < intervalMs * 10)
    throw new ConfigError(
      'MONITORING_RETENTION',
      `at least ten MONITORING_INTERVALs (${(intervalMs * 10) / 1000} s)`,
      e.MONITORING_RETENTION,
    );
  return { intervalMs, retentionMs };
}
