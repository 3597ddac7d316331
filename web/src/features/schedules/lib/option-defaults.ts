/**
 * The default options of an engine from its options JSON Schema (GET /api/engines): every property's
 * `default`, and objects whose properties have defaults. (The tests feature's options form does the same
 * richer; this belongs in lib/ once shared.)
 */
export function optionDefaults(schema: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!schema || typeof schema !== 'object') return out;
  const props = (schema as { properties?: Record<string, unknown> }).properties ?? {};
  for (const [name, prop] of Object.entries(props)) {
    if (!prop || typeof prop !== 'object') continue;
    const p = prop as { default?: unknown; type?: unknown; properties?: unknown };
    if (p.default !== undefined) out[name] = p.default;
    else if (p.type === 'object' && p.properties) {
      const nested = optionDefaults(p);
      if (Object.keys(nested).length) out[name] = nested;
    }
  }
  return out;
}
