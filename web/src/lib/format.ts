import i18next from 'i18next';

const locale = () => i18next.language || 'en';

/** A date and time in the reader's language and time zone. */
export function formatDateTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'medium' }).format(
    new Date(iso),
  );
}

/** "3 minutes ago" / "in 2 hours". */
export function formatRelative(iso: string | number | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return '—';
  const s = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const abs = Math.abs(s);
  if (abs < 60) return rtf.format(s, 'second');
  if (abs < 3600) return rtf.format(Math.round(s / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}

/** A metric value with its unit (`GET /api/engines` units): 1234 ms → "1.23 s", 2048 bytes → "2 KiB". */
export function formatMetric(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const n = (v: number, d = 2) => new Intl.NumberFormat(locale(), { maximumFractionDigits: d }).format(v);
  switch (unit) {
    case 'ms':
      return value >= 10_000 ? `${n(value / 1000)} s` : `${n(value, value < 10 ? 2 : 0)} ms`;
    case 's':
      return `${n(value)} s`;
    case 'bytes': {
      const units = ['B', 'KiB', 'MiB', 'GiB'];
      let v = value;
      let i = 0;
      while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return `${n(v, i ? 1 : 0)} ${units[i]}`;
    }
    case 'ratio':
      return `${n(value * 100, 2)} %`;
    case 'req/s':
      return `${n(value, 1)} req/s`;
    case 'count':
      return n(value, 0);
    default:
      return n(value);
  }
}

/** A duration in milliseconds as "1 m 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} m`;
}
