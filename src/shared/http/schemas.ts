import { Type } from 'typebox';
import { Problem } from './problem.ts';

/** Response entries for the errors a route can answer, so the OpenAPI document lists them. */
export function problems(...statuses: number[]): Record<number, typeof Problem> {
  return Object.fromEntries(statuses.map((s) => [s, Problem]));
}

export const Uuid = Type.String({ format: 'uuid' });
