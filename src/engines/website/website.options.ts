import { Type, type TSchema } from 'typebox';
import { enginesOf, type WebsitePart } from './website-part.ts';

export interface WebsiteOptions {
  parts: string[];
  [engineName: string]: unknown;
}

/**
 * `parts` (which parts run, all by default) and one object per part engine, by the engine's name
 * (`lighthouse`, `performance`, `accessibility`, …), passed to that engine. Those objects are validated
 * by the part engine's own schema in the website engine's `check`, after the audit's defaults for it.
 */
export function websiteOptionsSchema(parts: WebsitePart[]): TSchema {
  const keys = parts.map((p) => p.key);
  const perEngine: Record<string, TSchema> = {};
  for (const part of parts)
    for (const engine of enginesOf(part))
      perEngine[engine.name] = Type.Optional(
        Type.Object(
          {},
          {
            additionalProperties: true,
            description: `Options of the ${engine.name} engine for the ${part.key} part (its own schema applies).`,
          },
        ),
      );
  return Type.Object(
    {
      parts: Type.Array(Type.Union(keys.map((k) => Type.Literal(k))), {
        minItems: 1,
        maxItems: keys.length,
        uniqueItems: true,
        default: keys,
        description: 'The parts to run; a part this machine cannot run (no Chromium) is reported as skipped.',
      }),
      ...perEngine,
    },
    { additionalProperties: false },
  );
}
