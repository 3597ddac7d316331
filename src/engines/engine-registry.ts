import { ValidationError } from '../shared/http/index.ts';
import type { TestEngine } from './engine.ts';
import { compileOptionsValidator, type OptionsValidator } from './options-validator.ts';

export interface EngineRegistry {
  get(type: string): TestEngine | undefined;
  types(): string[];
  /**
   * Returns `options` with the engine's schema defaults applied, or throws ValidationError whose
   * errors[] name each bad field as `/body/options/<path>` (an unknown type as `/body/type`).
   */
  validate(type: string, options: unknown): unknown;
}

/** Maps a test type to its engine. The array is the only place that lists the engines. */
export function createEngineRegistry(engines: TestEngine[]): EngineRegistry {
  const byName = new Map<string, { engine: TestEngine; validate: OptionsValidator }>();
  for (const engine of engines) {
    if (byName.has(engine.name)) throw new Error(`Two engines are named ${engine.name}`);
    byName.set(engine.name, { engine, validate: compileOptionsValidator(engine.options) });
  }
  return {
    get: (type) => byName.get(type)?.engine,
    types: () => [...byName.keys()],
    validate(type, options) {
      const entry = byName.get(type);
      if (!entry) {
        const known = [...byName.keys()].join(', ');
        throw new ValidationError(`Unknown test type ${JSON.stringify(type)}`, [{ field: '/body/type', message: `must be one of: ${known}` }]);
      }
      const { value, errors } = entry.validate(options);
      if (errors.length === 0 && entry.engine.check) {
        for (const problem of entry.engine.check(value)) errors.push({ field: `/body/options${problem.path}`, message: problem.message });
      }
      if (errors.length > 0) {
        const first = errors[0]!;
        throw new ValidationError(`Invalid ${type} options: ${first.field.replace('/body/options/', '')} ${first.message}`, errors);
      }
      return value;
    },
  };
}
