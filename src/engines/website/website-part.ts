import type { EngineEnvironment, TestEngine } from '../engine.ts';
import { compileOptionsValidator, type OptionsValidator } from '../options-validator.ts';

/**
 * One part of the website audit: an engine (and the engine to fall back to where it is unavailable), its
 * weight in the combined score, its expected cost (its share of the progress bar), and the metrics it
 * re-exports under `<key>_<metric>`.
 */
export interface WebsitePart {
  /** `[a-z0-9]+`: prefixes the part's findings, artifacts and metrics. */
  key: string;
  engine: TestEngine;
  /** Runs instead of `engine` when `engine.availability(env)` says no (lighthouse → the HTTP performance engine). */
  fallback?: TestEngine;
  /** Weight in the combined score (renormalised over the parts that produced a score). */
  weight: number;
  /** Expected cost of each engine by name, relative (seconds on these machines); the default is 1. */
  cost?: Record<string, number>;
  /** The website audit's own defaults for an engine's options, by engine name (before the user's). */
  defaults?: Record<string, Record<string, unknown>>;
  /** Metrics of the part's result copied to the website result as `<key>_<metric>`, when present. */
  headline?: string[];
}

/** What a part does in one run: the engine that runs (and why it is a fallback), or why it is skipped. */
export type PartPlan =
  | { part: WebsitePart; engine: TestEngine; fallback?: { from: string; reason: string } }
  | { part: WebsitePart; skipped: string };

const available = (engine: TestEngine, env: EngineEnvironment) =>
  engine.availability?.(env) ?? { available: true as const };

export function planPart(part: WebsitePart, env: EngineEnvironment): PartPlan {
  const first = available(part.engine, env);
  if (first.available) return { part, engine: part.engine };
  if (!part.fallback) return { part, skipped: first.reason };
  const second = available(part.fallback, env);
  if (!second.available) return { part, skipped: `${first.reason}; ${second.reason}` };
  return {
    part,
    engine: part.fallback,
    fallback: {
      from: part.engine.name,
      reason: `${part.engine.name} is unavailable (${first.reason}); the ${part.fallback.name} engine ran instead`,
    },
  };
}

/** Whether any engine of the part can run here. */
export function partAvailable(part: WebsitePart, env: EngineEnvironment): boolean {
  return !('skipped' in planPart(part, env));
}

export const enginesOf = (part: WebsitePart): TestEngine[] =>
  part.fallback ? [part.engine, part.fallback] : [part.engine];

export const costOf = (part: WebsitePart, engine: TestEngine): number => part.cost?.[engine.name] ?? 1;

/** Each part engine's options validator (its own schema, defaults applied), by engine name. */
export function partValidators(parts: WebsitePart[]): Map<string, OptionsValidator> {
  const out = new Map<string, OptionsValidator>();
  for (const part of parts)
    for (const engine of enginesOf(part))
      if (!out.has(engine.name))
        out.set(engine.name, compileOptionsValidator(engine.options, `/${engine.name}`));
  return out;
}

/** The raw options of a part's engine: the audit's defaults for it, then what the test gave for it. */
export function rawPartOptions(
  part: WebsitePart,
  engine: TestEngine,
  options: Record<string, unknown>,
): Record<string, unknown> {
  const given = options[engine.name];
  return { ...part.defaults?.[engine.name], ...(given && typeof given === 'object' ? given : {}) };
}

/** Checks the part list once, when the engine is built: keys unique and usable as prefixes. */
export function assertParts(parts: WebsitePart[]): void {
  const keys = new Set<string>();
  for (const p of parts) {
    if (!/^[a-z0-9]+$/.test(p.key))
      throw new Error(`website part key ${JSON.stringify(p.key)} is not [a-z0-9]+`);
    if (keys.has(p.key)) throw new Error(`two website parts are keyed ${p.key}`);
    if (!(p.weight > 0)) throw new Error(`website part ${p.key} needs a positive weight`);
    keys.add(p.key);
  }
  if (parts.length === 0) throw new Error('the website engine needs at least one part');
}
