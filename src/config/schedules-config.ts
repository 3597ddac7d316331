import { readDuration as ms, readInt as int } from './parse.ts';

/** Recurring tests, their baselines and the retention of their results (docs/SCHEDULES.md). */
export interface SchedulesConfig {
  /** Shortest interval (and shortest gap between two cron firings) a schedule may have. */
  minIntervalMs: number;
  /** Schedules one user may have, enabled or paused. */
  maxPerUser: number;
  /** Successful runs that make each metric's rolling baseline. */
  baselineWindow: number;
  /** Results of scheduled runs older than this drop their details (metrics stay for history). */
  resultRetentionMs: number;
}

type Env = Record<string, string | undefined>;

const DAY_MS = 86_400_000;

/** `e` already carries the defaults from ENV_VARS. */
export function parseSchedulesConfig(e: Env): SchedulesConfig {
  return {
    // 1 s is for tests (a suite cannot wait 30 s per tick); production keeps the 30 s default.
    minIntervalMs: ms(e, 'SCHEDULE_MIN_INTERVAL', 1000, 7 * DAY_MS),
    maxPerUser: int(e, 'SCHEDULE_MAX_PER_USER', 1, 100_000),
    // Fewer than 5 runs give no baseline at all, so a window below that could never be ready.
    baselineWindow: int(e, 'BASELINE_WINDOW', 5, 1000),
    resultRetentionMs: ms(e, 'RESULT_RETENTION', 3_600_000, 3650 * DAY_MS),
  };
}
