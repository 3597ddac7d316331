/**
 * A small JSONPath subset, enough for assertions and extraction: `$`, `.name`, `['name']`, `[0]`, `[-1]`
 * and `.length` of arrays and strings. `items[0].id` without the leading `$` works too.
 */
export type PathSegment = string | number;

export function parseJsonPath(path: string): PathSegment[] {
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  else if (rest && !rest.startsWith('.') && !rest.startsWith('[')) rest = `.${rest}`;
  const segments: PathSegment[] = [];
  const token =
    /^(?:\.([A-Za-z_$][\w$-]*)|\[\s*(-?\d+)\s*\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\])/;
  while (rest.length > 0) {
    const m = token.exec(rest);
    if (!m)
      throw new Error(`invalid JSON path ${JSON.stringify(path)} near ${JSON.stringify(rest.slice(0, 20))}`);
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[3] ?? m[4] ?? '').replace(/\\(.)/g, '$1'));
    rest = rest.slice(m[0].length);
  }
  return segments;
}

/** The value at `path`, or undefined when any step of the path is missing. */
export function readJsonPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const segment of parseJsonPath(path)) {
    if (current === null || current === undefined) return undefined;
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment < 0 ? current.length + segment : segment];
    } else if (segment === 'length' && (Array.isArray(current) || typeof current === 'string')) {
      current = current.length;
    } else if (typeof current === 'object' && Object.prototype.hasOwnProperty.call(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
