import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError, type FieldError } from './errors.ts';

/**
 * Text PostgreSQL can store: `text` refuses U+0000 and `jsonb` refuses `\u0000` and unpaired surrogates
 * (and a surrogate written to `text` silently becomes U+FFFD). Such a request would reach the database
 * and answer 500, so it is refused up front.
 */
function problemWith(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which cannot be stored';
  if (!(text as WellFormed).isWellFormed())
    return 'contains an unpaired UTF-16 surrogate, which is not valid Unicode';
  return null;
}

/** ES2024's String.prototype.isWellFormed (Node 20 has it; the compiler's lib is older). */
type WellFormed = string & { isWellFormed(): boolean };

/** RFC 6901 escaping of one pointer segment. */
const segment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The first string or property name under `value` that cannot be stored, as a JSON pointer below `base`.
 * Iterative, so a deeply nested body cannot overflow the stack. A bad property name is reported at the
 * object holding it (the name itself could not be shown).
 */
export function findUnstorableText(value: unknown, base: string): FieldError | null {
  const stack: Array<[unknown, string]> = [[value, base]];
  while (stack.length) {
    const [node, pointer] = stack.pop()!;
    if (typeof node === 'string') {
      const message = problemWith(node);
      if (message) return { field: pointer, message };
      continue;
    }
    if (node === null || typeof node !== 'object' || Buffer.isBuffer(node)) continue;
    const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const message = problemWith(key);
      if (message) return { field: pointer, message: `has a property name that ${message}` };
      stack.push([child, `${pointer}/${segment(key)}`]);
    }
  }
  return null;
}

/** Deeper than this, `storable` stops and leaves the answer to the iterative walk. */
const QUICK_DEPTH = 16;

/**
 * True when every string and property name under `value` can be stored: the common case, decided
 * without allocating (findUnstorableText builds an entry array and a pointer per node, ~2 % of a no-op
 * request's CPU on its headers alone, bench/http-pipeline). False means "look again with the full walk",
 * which also answers for anything nested deeper than QUICK_DEPTH.
 */
function storable(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return problemWith(value) === null;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return true;
  if (depth >= QUICK_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (!storable(item, depth + 1)) return false;
    return true;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (problemWith(key) !== null || !storable((value as Record<string, unknown>)[key], depth + 1))
      return false;
  }
  return true;
}

const unstorable = (value: unknown, base: string): FieldError | null =>
  storable(value) ? null : findUnstorableText(value, base);

function check(request: FastifyRequest): FieldError | null {
  return (
    unstorable(request.params, '/params') ??
    unstorable(request.query, '/querystring') ??
    unstorable(request.headers, '/headers') ??
    unstorable(request.body, '/body')
  );
}

/**
 * Refuses, on every route, a request whose parameters, query, headers or body carry text the database
 * cannot store: 400 problem+json naming the field (`/body/options/body`, `/querystring/type`). Runs before
 * schema validation, so no route needs to remember it. A synchronous hook: an async one costs a promise
 * and a microtask on every request.
 */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const error = check(request);
    done(error ? new ValidationError(`${error.field} ${error.message}`, [error]) : undefined);
  });
}
