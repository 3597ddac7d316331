import { ValidationError } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The opaque cursor of every newest-first list: (time, id) as base64url JSON. Keep the time as PostgreSQL
 * prints it (`created_at::text`, microseconds), which a JS Date would round away, so a page boundary is
 * exact and a concurrent insert does not shift the pages.
 */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

/** The (time, id) of a cursor this API returned; anything else is a 400 naming `/querystring/cursor`. */
export function decodeCursor(cursor: string, idPattern: RegExp = UUID): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      idPattern.test(value[1])
    )
      return [value[0], value[1]];
  } catch {
    // answered below
  }
  throw new ValidationError('cursor is not a cursor this API returned', [
    { field: '/querystring/cursor', message: 'is invalid' },
  ]);
}
