/**
 * The part of JSON Schema (as TypeBox writes an engine's options, `GET /api/engines`) the new-test form
 * understands. Anything else is edited as JSON.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  description?: string;
  title?: string;
}

/** How a schema node is edited. */
export type FieldKind =
  | { kind: 'enum'; values: Array<string | number | boolean> }
  | { kind: 'string' }
  | { kind: 'number'; integer: boolean }
  /** A number or a text such as "30s" (stress durations): a text input, digits sent as a number. */
  | { kind: 'number-or-string' }
  | { kind: 'boolean' }
  | { kind: 'list'; item: JsonSchema }
  | { kind: 'object-list'; item: JsonSchema }
  | { kind: 'object'; properties: Record<string, JsonSchema> }
  | { kind: 'json' };

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function fieldKind(s: JsonSchema): FieldKind {
  if (s.enum && s.enum.every(isScalar)) return { kind: 'enum', values: s.enum };
  if (s.anyOf) {
    if (s.anyOf.every((o) => 'const' in o && isScalar(o.const)))
      return { kind: 'enum', values: s.anyOf.map((o) => o.const as string | number | boolean) };
    const types = s.anyOf.map((o) => o.type);
    if (
      types.length === 2 &&
      types.includes('string') &&
      (types.includes('number') || types.includes('integer'))
    )
      return { kind: 'number-or-string' };
    return { kind: 'json' };
  }
  if ('const' in s && isScalar(s.const)) return { kind: 'enum', values: [s.const] };
  switch (s.type) {
    case 'string':
      return { kind: 'string' };
    case 'integer':
    case 'number':
      return { kind: 'number', integer: s.type === 'integer' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'array': {
      const item = s.items ?? {};
      const k = fieldKind(item).kind;
      if (k === 'string' || k === 'number' || k === 'enum' || k === 'number-or-string')
        return { kind: 'list', item };
      if (k === 'object') return { kind: 'object-list', item };
      return { kind: 'json' };
    }
    case 'object':
      // A map (headers, query) has no fixed properties: JSON.
      if (s.properties && Object.keys(s.properties).length > 0 && !s.patternProperties)
        return { kind: 'object', properties: s.properties };
      return { kind: 'json' };
    default:
      return { kind: 'json' };
  }
}

/** The value a new form starts with: each property's default, nested required objects filled in. */
export function initialValue(s: JsonSchema): unknown {
  if (s.default !== undefined) return structuredClone(s.default);
  const k = fieldKind(s);
  if (k.kind === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(k.properties)) {
      const required = s.required?.includes(name) ?? false;
      const childKind = fieldKind(child).kind;
      if (child.default !== undefined || (required && childKind === 'object')) {
        const v = initialValue(child);
        if (v !== undefined) out[name] = v;
      }
    }
    return out;
  }
  return undefined;
}

/** A new item of a list: its schema's initial value, or an empty text. */
export function newItem(item: JsonSchema): unknown {
  const v = initialValue(item);
  if (v !== undefined) return v;
  const k = fieldKind(item);
  if (k.kind === 'enum') return k.values[0];
  if (k.kind === 'object') return {};
  return '';
}

/** "timeoutMs" → "Timeout ms", "startVus" → "Start vus": a readable label when no translation exists. */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Keeps only the keys a schema's properties know (a preset written for another version of an engine). */
export function pickKnown(s: JsonSchema, values: Record<string, unknown>): Record<string, unknown> {
  const props = s.properties ?? {};
  return Object.fromEntries(Object.entries(values).filter(([k]) => k in props));
}

/** Drops what a form leaves empty (undefined values) so the server applies its own defaults. */
export function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = compact(v);
    return out;
  }
  return value;
}
