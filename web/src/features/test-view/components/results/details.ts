/** Readers for an engine result's `details`, which the API types as unknown JSON. */

/** The value when it is an array, else an empty one. */
export const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);

/** The value when it is an object, else undefined. */
export const object = <T>(value: unknown): T | undefined =>
  value && typeof value === 'object' ? (value as T) : undefined;
