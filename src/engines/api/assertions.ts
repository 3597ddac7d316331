import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OptionProblem } from '../engine.ts';
import { COMPARISONS, type Assertion } from './api.options.ts';
import { parseJsonPath, readJsonPath } from './json-path.ts';

type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as AddFormats;

/** What an assertion is checked against: one response. */
export interface ResponseView {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parsed body, or an error when the body is not JSON. */
  json: { ok: true; value: unknown } | { ok: false; error: string };
  timeMs: number;
}

export interface AssertionResult {
  source: Assertion['source'];
  property?: string;
  comparison: Assertion['comparison'];
  expected: unknown;
  actual: unknown;
  passed: boolean;
  message?: string;
}

const NEEDS_PROPERTY = new Set(['header', 'jsonPath']);
/** Every comparison but the existence checks compares against a target. */
const NEEDS_TARGET = new Set<string>(COMPARISONS.filter((c) => c !== 'exists' && c !== 'notExists'));

/** Checks the schema cannot express, each naming the bad field relative to the assertion. */
export function checkAssertion(a: Assertion, path: string): OptionProblem[] {
  const out: OptionProblem[] = [];
  if (NEEDS_PROPERTY.has(a.source) && !a.property)
    out.push({ path: `${path}/property`, message: `is required for source ${a.source}` });
  if (a.source === 'jsonPath' && a.property) {
    try {
      parseJsonPath(a.property);
    } catch (err) {
      out.push({ path: `${path}/property`, message: (err as Error).message });
    }
  }
  if (a.source === 'jsonSchema') {
    if (typeof a.target !== 'object' || a.target === null || Array.isArray(a.target))
      out.push({ path: `${path}/target`, message: 'must be a JSON Schema object' });
    else {
      try {
        newAjv().compile(a.target);
      } catch (err) {
        out.push({
          path: `${path}/target`,
          message: `is not a valid JSON Schema: ${(err as Error).message}`,
        });
      }
    }
    return out;
  }
  if (NEEDS_TARGET.has(a.comparison) && a.target === undefined)
    out.push({ path: `${path}/target`, message: `is required for comparison ${a.comparison}` });
  if (a.comparison === 'in' && !Array.isArray(a.target))
    out.push({ path: `${path}/target`, message: 'must be a list for comparison in' });
  if (a.comparison === 'matches' && a.target !== undefined) {
    try {
      new RegExp(String(a.target));
    } catch (err) {
      out.push({
        path: `${path}/target`,
        message: `is not a valid regular expression: ${(err as Error).message}`,
      });
    }
  }
  if (
    (a.comparison === 'lessThan' || a.comparison === 'greaterThan') &&
    a.target !== undefined &&
    !Number.isFinite(Number(a.target))
  )
    out.push({ path: `${path}/target`, message: `must be a number for comparison ${a.comparison}` });
  return out;
}

function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

/** Equality that lets "200" match 200 and compares objects by value, as a user writing assertions expects. */
function same(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'object' || typeof expected === 'object')
    return JSON.stringify(actual) === JSON.stringify(expected);
  if (typeof actual === 'number' || typeof expected === 'number')
    return Number(actual) === Number(expected) && actual !== '' && expected !== '';
  return String(actual) === String(expected);
}

function contains(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => same(item, expected));
  if (actual === undefined || actual === null) return false;
  const text = typeof actual === 'object' ? JSON.stringify(actual) : String(actual);
  return text.includes(String(expected));
}

function compare(comparison: Assertion['comparison'], actual: unknown, expected: unknown): boolean {
  switch (comparison) {
    case 'equals':
      return same(actual, expected);
    case 'notEquals':
      return !same(actual, expected);
    case 'contains':
      return contains(actual, expected);
    case 'notContains':
      return !contains(actual, expected);
    case 'matches':
      return (
        actual !== undefined &&
        new RegExp(String(expected)).test(
          typeof actual === 'object' ? JSON.stringify(actual) : String(actual),
        )
      );
    case 'lessThan':
      return actual !== undefined && actual !== null && Number(actual) < Number(expected);
    case 'greaterThan':
      return actual !== undefined && actual !== null && Number(actual) > Number(expected);
    case 'exists':
      return actual !== undefined;
    case 'notExists':
      return actual === undefined;
    case 'in':
      return Array.isArray(expected) && expected.some((e) => same(actual, e));
    default:
      return false;
  }
}

function actualOf(a: Assertion, r: ResponseView): { actual: unknown; message?: string } {
  switch (a.source) {
    case 'status':
      return { actual: r.status };
    case 'header':
      return { actual: r.headers[(a.property ?? '').toLowerCase()] };
    case 'body':
      return { actual: r.text };
    case 'responseTime':
      return { actual: Math.round(r.timeMs * 100) / 100 };
    case 'jsonPath':
      return r.json.ok
        ? { actual: readJsonPath(r.json.value, a.property ?? '$') }
        : { actual: undefined, message: `body is not valid JSON: ${r.json.error}` };
    default:
      return { actual: undefined };
  }
}

function schemaResult(a: Assertion, r: ResponseView): AssertionResult {
  const base = { source: a.source, comparison: a.comparison, expected: a.target };
  if (!r.json.ok)
    return { ...base, actual: null, passed: false, message: `body is not valid JSON: ${r.json.error}` };
  const validate = newAjv().compile(a.target as object);
  const valid = validate(r.json.value);
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
  const passed = a.comparison === 'notEquals' ? !valid : valid;
  return {
    ...base,
    actual: valid ? 'valid' : errors,
    passed,
    message: valid ? undefined : `body does not match the schema: ${errors.slice(0, 5).join('; ')}`,
  };
}

/** Evaluates one assertion; the result carries expected and actual so a failure explains itself. */
export function evaluateAssertion(a: Assertion, r: ResponseView): AssertionResult {
  if (a.source === 'jsonSchema') return schemaResult(a, r);
  const { actual, message } = actualOf(a, r);
  const shown =
    a.source === 'body' && typeof actual === 'string' && actual.length > 500
      ? `${actual.slice(0, 500)}…`
      : actual;
  return {
    source: a.source,
    property: a.property,
    comparison: a.comparison,
    expected: a.target,
    actual: shown ?? null,
    passed: compare(a.comparison, actual, a.target),
    message,
  };
}

/** The result when no response arrived (refused, timed out): every assertion fails with the reason. */
export function failedAssertion(a: Assertion, reason: string): AssertionResult {
  return {
    source: a.source,
    property: a.property,
    comparison: a.comparison,
    expected: a.target,
    actual: null,
    passed: false,
    message: reason,
  };
}
