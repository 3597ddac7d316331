import { ValidationError } from '../../shared/http/index.ts';
import type { SampleMetric } from './sample-catalog.ts';
import type { SeriesQuery as Params } from './monitoring.schemas.ts';
import type { SeriesQuery } from './samples.repository.ts';

/** Points one answer may carry; a wider range needs a coarser step. */
export const MAX_POINTS = 1000;
const DEFAULT_RANGE_MS = 3_600_000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

const invalid = (field: string, message: string): never => {
  throw new ValidationError(`${field.split('/').pop()} ${message}`, [
    { field: `/querystring/${field}`, message },
  ]);
};

function parseStep(step: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(step)!;
  return Number(match[1]) * UNIT_MS[match[2] ?? 's']!;
}

const seconds = (ms: number) => `${ms / 1000} s`;

/**
 * The rules of a series request beyond its schema: `to` after `from`, a range within the retention, a
 * step no finer than the sampling interval and no more than MAX_POINTS points. Without a step, the
 * finest one that fits is chosen (whole seconds).
 */
export function resolveSeries(
  q: Params,
  settings: { intervalMs: number; retentionMs: number; nowMs: number },
): SeriesQuery {
  const toMs = q.to ? Date.parse(q.to) : settings.nowMs;
  const fromMs = q.from ? Date.parse(q.from) : toMs - DEFAULT_RANGE_MS;
  if (toMs <= fromMs) invalid(q.to ? 'to' : 'from', 'must be after from');
  const range = toMs - fromMs;
  if (range > settings.retentionMs)
    invalid(
      'from',
      `range is longer than the ${seconds(settings.retentionMs)} samples are kept (MONITORING_RETENTION)`,
    );
  const fitting = Math.ceil(range / MAX_POINTS / 1000) * 1000;
  const stepMs = q.step ? parseStep(q.step) : Math.max(settings.intervalMs, fitting);
  if (stepMs < settings.intervalMs)
    invalid(
      'step',
      `must be at least the sampling interval (${seconds(settings.intervalMs)}, MONITORING_INTERVAL)`,
    );
  const points = Math.ceil(range / stepMs);
  if (points > MAX_POINTS)
    invalid(
      'step',
      `gives ${points} points for this range; at most ${MAX_POINTS} (use a step of ${seconds(Math.max(settings.intervalMs, fitting))} or more)`,
    );
  return { metric: q.metric as SampleMetric, fromMs, toMs, stepMs, instanceId: q.instance };
}
