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

function check(request: FastifyRequest): FieldError | null {
  return (
    findUnstorableText(request.params, '/params') ??
    findUnstorableText(request.query, '/querystring') ??
    findUnstorableText(request.headers, '/headers') ??
    findUnstorableText(request.body, '/body')
  );
}

/**
 * Refuses, on every route, a request whose parameters, query, headers or body carry text the database
 * cannot store: 400 problem+json naming the field (`/body/options/body`, `/querystring/type`). Runs before
 * schema validation, so no route needs to remember it.
 */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const error = check(request);
    if (error) throw new ValidationError(`${error.field} ${error.message}`, [error]);
  });
}
