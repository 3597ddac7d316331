const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export type Variables = Map<string, unknown>;

function lookup(vars: Variables, name: string): unknown {
  if (!vars.has(name)) throw new Error(`variable {{${name}}} is not defined (no earlier step extracted it)`);
  return vars.get(name);
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Replaces `{{name}}` in text with the variable's value. */
export function substituteText(text: string, vars: Variables): string {
  return text.replace(PLACEHOLDER, (_, name: string) => asText(lookup(vars, name)));
}

/**
 * Substitutes inside a JSON body. A string that is exactly one placeholder takes the variable's value
 * with its type (so `"{{id}}"` can become the number 42); other strings get text substitution.
 */
export function substituteJson(value: unknown, vars: Variables): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(value);
    return whole ? lookup(vars, whole[1]!) : substituteText(value, vars);
  }
  if (Array.isArray(value)) return value.map((v) => substituteJson(v, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteJson(v, vars)]));
  return value;
}

export function substituteRecord(
  record: Record<string, string> | undefined,
  vars: Variables,
): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([k, v]) => [k, substituteText(v, vars)]));
}
