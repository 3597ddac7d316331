import { ValidationError } from '../../shared/http/index.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** An opaque cursor over (time as text, id): newest-first pages that a concurrent insert does not shift. */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

export function decodeCursor(cursor: string, idPattern = /^[0-9a-f-]{36}$/i): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      !Number.isNaN(Date.parse(String(value[0]))) &&
      idPattern.test(String(value[1]))
    )
      return [String(value[0]), String(value[1])];
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('cursor is not a cursor this API returned', [
    { field: '/querystring/cursor', message: 'is invalid' },
  ]);
}
