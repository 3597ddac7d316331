import type { EngineResult } from './engines/engine.ts';
import type { EngineRunInput } from './engines/engine-runner.ts';

export type { EngineRunInput };

/**
 * What the tests and queue modules need from the engines module (engines/index.ts provides both;
 * app.ts wires them). Kept structural so this module depends on the contract, not on every engine.
 */
export interface EngineRegistryPort {
  types(): string[];
  /** Options with defaults applied; throws a ValidationError naming `/body/type` or `/body/options/…`. */
  validate(type: string, options: unknown): unknown;
}

export interface EngineRunnerPort {
  run(input: EngineRunInput): Promise<EngineResult>;
}
