import { Cron } from 'croner';
import { ValidationError } from '../../shared/http/index.ts';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const INTERVAL = /^(\d{1,9})(s|m|h|d)$/;
export const MAX_INTERVAL_MS = 7 * UNIT_MS.d;
/** Firings of a cron expression checked for the shortest gap (SCHEDULE_MIN_INTERVAL applies to cron too). */
const CRON_GAPS_CHECKED = 12;
/** A catch-up counts at most this many missed cron firings (counting is a walk over them). */
const MAX_COUNTED_MISSES = 1000;

/** When a schedule fires: the first firing strictly after `after` (null: never again). */
export interface Timing {
  next(after: Date): Date | null;
}

/** "30s", "5m", "1h", "7d" in ms; undefined for anything else. */
export function parseInterval(text: string): number | undefined {
  const match = INTERVAL.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** The interval as the API shows it: the largest unit that divides it exactly ("90s", "2h", "7d"). */
export function formatInterval(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const)
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${Math.round(ms / 1000)}s`;
}

const human = (ms: number) => formatInterval(ms);

/** The interval of a request, in ms: 400 naming `/body/interval` when malformed, below the minimum or over 7 d. */
export function checkInterval(text: string, minMs: number): number {
  const ms = parseInterval(text);
  const field = '/body/interval';
  if (ms === undefined)
    throw new ValidationError(`interval ${JSON.stringify(text)} is not an interval`, [
      { field, message: 'must be a whole number of s, m, h or d, such as "30s", "5m", "1h" or "7d"' },
    ]);
  if (ms < minMs || ms > MAX_INTERVAL_MS)
    throw new ValidationError(`interval ${text} is outside ${human(minMs)}–7d`, [
      { field, message: `must be between ${human(minMs)} (SCHEDULE_MIN_INTERVAL) and 7d` },
    ]);
  return ms;
}

/** A time zone the runtime knows (IANA name such as "Europe/Berlin"); 400 naming `/body/timezone` otherwise. */
export function checkTimezone(timezone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch (err) {
    throw new ValidationError(`timezone ${JSON.stringify(timezone)} is not a time zone`, [
      {
        field: '/body/timezone',
        message: `${(err as Error).message}; use an IANA name such as "Europe/Berlin" or "UTC"`,
      },
    ]);
  }
}

function compile(cron: string, timezone: string | null): Cron {
  return new Cron(cron, { paused: true, ...(timezone ? { timezone } : {}) });
}

/**
 * A cron expression (5 fields, or 6 with seconds; croner's syntax) in a time zone: 400 naming `/body/cron`
 * with the parser's message when it does not parse, never fires, or fires more often than `minMs`.
 */
export function checkCron(cron: string, timezone: string | null, minMs: number, now: Date): void {
  const field = '/body/cron';
  let job: Cron;
  try {
    job = compile(cron, timezone);
  } catch (err) {
    throw new ValidationError(`cron ${JSON.stringify(cron)} does not parse: ${(err as Error).message}`, [
      { field, message: (err as Error).message },
    ]);
  }
  const runs = job.nextRuns(CRON_GAPS_CHECKED, now);
  if (!runs.length)
    throw new ValidationError(`cron ${JSON.stringify(cron)} never fires`, [
      { field, message: 'never fires (no future date matches it)' },
    ]);
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.getTime() - runs[i - 1]!.getTime() < minMs)
      throw new ValidationError(`cron ${JSON.stringify(cron)} fires more often than every ${human(minMs)}`, [
        { field, message: `fires more often than every ${human(minMs)} (SCHEDULE_MIN_INTERVAL)` },
      ]);
  }
}

/** Every `intervalMs` on the grid anchor + k × interval. */
export function intervalTiming(intervalMs: number, anchor: Date): Timing {
  const a = anchor.getTime();
  return {
    next: (after) => new Date(a + (Math.floor((after.getTime() - a) / intervalMs) + 1) * intervalMs),
  };
}

export function cronTiming(cron: string, timezone: string | null): Timing {
  const job = compile(cron, timezone);
  return { next: (after) => job.nextRun(after) };
}

export interface TimingSpec {
  interval_ms: number | null;
  cron: string | null;
  timezone: string | null;
  anchor_at: Date;
}

export function timingOf(s: TimingSpec): Timing {
  return s.interval_ms !== null
    ? intervalTiming(Number(s.interval_ms), new Date(s.anchor_at))
    : cronTiming(s.cron!, s.timezone);
}

/** Firings in (tick, now] that a late claim of `tick` leaves out (counted up to 1000 for cron). */
export function missedAfter(timing: Timing, spec: TimingSpec, tick: Date, now: Date): number {
  if (spec.interval_ms !== null)
    return Math.max(0, Math.floor((now.getTime() - tick.getTime()) / spec.interval_ms));
  let missed = 0;
  for (let t = timing.next(tick); t && t <= now && missed < MAX_COUNTED_MISSES; t = timing.next(t)) missed++;
  return missed;
}
