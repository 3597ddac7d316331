import { ValidationError } from '../shared/http/index.ts';
import {
  DEFAULT_ENGINE_LIMITS,
  type EngineEnvironment,
  type EngineLimits,
  type TestEngine,
} from './engine.ts';
import { describeEngine, type EngineDescription } from './engine-catalog.ts';
import { compileOptionsValidator, type OptionsValidator } from './options-validator.ts';

export interface EngineRegistry {
  get(type: string): TestEngine | undefined;
  types(): string[];
  /**
   * Returns `options` with the engine's schema defaults applied, or throws ValidationError whose
   * errors[] name each bad field as `/body/options/<path>` (an unknown type as `/body/type`). `limits`
   * replaces the registry's caps for this call (the runner checks with the caps it runs under).
   */
  validate(type: string, options: unknown, limits?: Partial<EngineLimits>): unknown;
  /** Whether tests of `type` stream on their live channel (the engine's `streamsLive`); false for an unknown type. */
  streamsLive(type: string): boolean;
  /** Every engine with its options' schema, metrics and availability, in registry order (`GET /api/engines`). */
  describe(): EngineDescription[];
}

/** Options above an operator cap (STRESS_MAX_USERS…): a 400 at submission, ERR_LIMIT_EXCEEDED at run time. */
export class OptionLimitError extends ValidationError {
  readonly limitExceeded = true;
}

/**
 * Maps a test type to its engine. The array is the only place that lists the engines; `limits` are the
 * operator caps (config.engines) that `validate` enforces, so a test above a cap is refused when submitted;
 * `env` is what engines' `availability` looks at (the Chromium pool).
 */
export function createEngineRegistry(
  engines: TestEngine[],
  limits: Partial<EngineLimits> = {},
  env: EngineEnvironment = {},
): EngineRegistry {
  const caps: EngineLimits = { ...DEFAULT_ENGINE_LIMITS, ...pickLimits(limits) };
  const byName = new Map<string, { engine: TestEngine; validate: OptionsValidator }>();
  for (const engine of engines) {
    if (byName.has(engine.name)) throw new Error(`Two engines are named ${engine.name}`);
    byName.set(engine.name, { engine, validate: compileOptionsValidator(engine.options) });
  }
  return {
    get: (type) => byName.get(type)?.engine,
    types: () => [...byName.keys()],
    streamsLive: (type) => byName.get(type)?.engine.streamsLive === true,
    describe: () => [...byName.values()].map(({ engine }) => describeEngine(engine, env)),
    validate(type, options, override) {
      const entry = byName.get(type);
      if (!entry) {
        const known = [...byName.keys()].join(', ');
        throw new ValidationError(`Unknown test type ${JSON.stringify(type)}`, [
          { field: '/body/type', message: `must be one of: ${known}` },
        ]);
      }
      const availability = entry.engine.availability?.(env) ?? { available: true };
      if (!availability.available) {
        throw new ValidationError(`The ${type} engine is unavailable: ${availability.reason}`, [
          { field: '/body/type', message: availability.reason },
        ]);
      }
      const { value, errors } = entry.validate(options);
      let overCap = false;
      if (errors.length === 0 && entry.engine.check) {
        for (const problem of entry.engine.check(
          value,
          override ? { ...DEFAULT_ENGINE_LIMITS, ...pickLimits(override) } : caps,
        )) {
          errors.push({ field: `/body/options${problem.path}`, message: problem.message });
          overCap ||= problem.limit !== undefined;
        }
      }
      if (errors.length > 0) {
        const first = errors[0]!;
        const message = `Invalid ${type} options: ${first.field.replace('/body/options/', '')} ${first.message}`;
        throw overCap ? new OptionLimitError(message, errors) : new ValidationError(message, errors);
      }
      return value;
    },
  };
}

// config.engines carries other settings (timeouts, body cap) beside the caps; keep only the caps.
function pickLimits(l: Partial<EngineLimits>): Partial<EngineLimits> {
  const out: Partial<EngineLimits> = {};
  for (const key of Object.keys(DEFAULT_ENGINE_LIMITS) as Array<keyof EngineLimits>)
    if (typeof l[key] === 'number') out[key] = l[key];
  return out;
}
