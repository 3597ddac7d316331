import type { EngineEnvironment, TestEngine } from './engine.ts';

/** One metric of an engine as clients see it: its stable name, unit and meaning. */
export interface MetricDescription {
  name: string;
  /** `ms`, `s`, `bytes`, `count`, `req/s`, `ratio`, `score` or '' where the figure has none (a status code). */
  unit: string;
  description: string;
}

/** An engine as `GET /api/engines` describes it: what it measures, its options' JSON Schema, its metrics. */
export interface EngineDescription {
  name: string;
  description: string;
  /** The JSON Schema (draft 2020-12 subset, TypeBox) `options` is validated against. */
  options: unknown;
  metrics: MetricDescription[];
  streamsLive: boolean;
  available: boolean;
  /** Why `available` is false and what to do about it. */
  unavailableReason: string | null;
}

/**
 * A metric's unit from its name and meaning. The catalogs name units in the metric (`_ms`, `_bytes`, `_s`)
 * or in the meaning (`(count)`, `0-100`, `0-1`); this reads both so a client can label an axis.
 */
export function metricUnit(name: string, description: string): string {
  if (/_ms$/.test(name)) return 'ms';
  if (/(^|_)bytes($|_)/.test(name)) return 'bytes';
  if (/_s$/.test(name)) return 's';
  if (/^rps(_|$)/.test(name) || /per second/i.test(description)) return 'req/s';
  if (/\(count\)/.test(description) || /_total$|_count$/.test(name)) return 'count';
  if (/0-100/.test(description)) return 'score';
  if (/0-1\b/.test(description) || /_rate$/.test(name)) return 'ratio';
  return '';
}

export function describeEngine(engine: TestEngine, env: EngineEnvironment = {}): EngineDescription {
  const availability = engine.availability?.(env) ?? { available: true };
  return {
    name: engine.name,
    description: engine.description,
    // Through JSON: TypeBox schemas carry symbol-keyed metadata a serializer should not see.
    options: JSON.parse(JSON.stringify(engine.options)) as unknown,
    metrics: Object.entries(engine.metrics ?? {}).map(([name, description]) => ({
      name,
      unit: metricUnit(name, description),
      description,
    })),
    streamsLive: engine.streamsLive === true,
    available: availability.available,
    unavailableReason: availability.available ? null : availability.reason,
  };
}
