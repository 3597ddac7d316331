import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import 'cronstrue/locales/zh_CN';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30s", "5m", "1h", "7d" in ms (the server's syntax, src/modules/schedules/timing.ts); null otherwise. */
export function parseInterval(text: string): number | null {
  const m = /^(\d{1,9})(s|m|h|d)$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : null;
}

export type Preview =
  | { ok: true; description: string; runs: Date[] }
  | { ok: false; reason: 'cron' | 'interval' | 'timezone' | 'empty'; detail?: string };

/** cronstrue's locale name for the dashboard's language. */
const cronLocale = (language: string) => (language.startsWith('zh') ? 'zh_CN' : 'en');

/**
 * The words and the next five firings of a cron expression (croner, in `timezone` when given, as the
 * server computes them) or of an interval (from `start`: the schedule's next run, or now for a new one).
 */
export function preview(
  timing: { mode: 'cron' | 'interval'; cron: string; interval: string; timezone: string },
  language: string,
  start: Date = new Date(),
): Preview {
  if (timing.mode === 'interval') {
    if (!timing.interval.trim()) return { ok: false, reason: 'empty' };
    const ms = parseInterval(timing.interval);
    if (!ms) return { ok: false, reason: 'interval' };
    const runs = Array.from({ length: 5 }, (_, i) => new Date(start.getTime() + (i + 1) * ms));
    return { ok: true, description: '', runs };
  }
  const expr = timing.cron.trim();
  if (!expr) return { ok: false, reason: 'empty' };
  const tz = timing.timezone.trim();
  if (tz) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
    } catch {
      return { ok: false, reason: 'timezone' };
    }
  }
  try {
    const job = new Cron(expr, { timezone: tz || 'UTC', paused: true });
    const runs = job.nextRuns(5, start);
    job.stop();
    let description = '';
    try {
      description = cronstrue.toString(expr, {
        locale: cronLocale(language),
        use24HourTimeFormat: true,
        throwExceptionOnParseError: true,
      });
    } catch {
      description = '';
    }
    return { ok: true, description, runs };
  } catch (e) {
    return { ok: false, reason: 'cron', detail: e instanceof Error ? e.message : String(e) };
  }
}
