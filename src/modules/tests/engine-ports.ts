import type { EngineResult } from './engines/engine.ts';

/**
 * What the tests and queue modules need from the engines module (engines/index.ts provides both;
 * app.ts wires them). Kept structural so this module depends on the contract, not on every engine.
 */
export interface EngineRegistryPort {
  types(): string[];
  /** Options with defaults applied; throws a ValidationError naming `/body/type` or `/body/options/…`. */
  validate(type: string, options: unknown): unknown;
}

export interface EngineRunInput {
  type: string;
  url: string;
  options: unknown;
  signal: AbortSignal;
  progress(percent: number, message: string, metrics?: Record<string, number>): void;
}

export interface EngineRunnerPort {
  run(input: EngineRunInput): Promise<EngineResult>;
}
