import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from 'typebox';
import type { FieldError } from '../shared/http/index.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as AddFormats;

export type OptionsValidator = (options: unknown) => { value: unknown; errors: FieldError[] };

const pointerPart = (name: string) => `/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;

function fieldOf(error: ErrorObject, prefix: string): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  // An error about a property name (propertyNames) names that property, not the object holding it.
  const named = error.propertyName ?? params.missingProperty ?? params.additionalProperty;
  return `${prefix}${error.instancePath}${named !== undefined ? pointerPart(named) : ''}`;
}

/** A schema may give a keyword's failure a readable sentence: `errorMessage: { pattern: '…' }`. */
function messageOf(error: ErrorObject): string {
  const custom = (error.parentSchema as { errorMessage?: Record<string, string> } | undefined)
    ?.errorMessage?.[error.keyword];
  if (custom) return custom;
  const params = error.params as { additionalProperty?: string };
  if (params.additionalProperty) return 'is not a known option';
  return error.message ?? 'is invalid';
}

// Summary errors whose details are reported by the errors they wrap.
const WRAPPERS = new Set(['anyOf', 'oneOf', 'propertyNames']);

/** One entry per field; a field failing several branches of a union gets their messages joined. */
function toFieldErrors(errors: ErrorObject[], prefix: string): FieldError[] {
  const byField = new Map<string, string[]>();
  for (const error of errors) {
    if (WRAPPERS.has(error.keyword)) continue;
    const field = fieldOf(error, prefix);
    const list = byField.get(field) ?? [];
    const message = messageOf(error);
    if (!list.includes(message)) list.push(message);
    byField.set(field, list);
  }
  return [...byField].map(([field, messages]) => ({ field, message: messages.join(' or ') }));
}

/**
 * Compiles an engine's TypeBox schema into a validator that applies defaults and names each bad field
 * as a JSON pointer under `prefix` (e.g. `/body/options/vus`). Like request bodies, options are taken
 * as sent: no type coercion, unknown properties rejected by the schemas.
 */
export function compileOptionsValidator(schema: TSchema, prefix = '/body/options'): OptionsValidator {
  // verbose: errors carry their schema, where a readable `errorMessage` may be.
  const ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    coerceTypes: false,
    removeAdditional: false,
    strict: false,
    verbose: true,
  });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(schema as object);
  return (options) => {
    // Defaults are applied in place, so work on a copy of what the caller sent.
    const value: unknown = options === undefined || options === null ? {} : structuredClone(options);
    if (validate(value)) return { value, errors: [] };
    return { value, errors: toFieldErrors(validate.errors ?? [], prefix) };
  };
}
