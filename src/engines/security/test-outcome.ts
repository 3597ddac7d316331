import { modifierOf } from './observatory-scoring.ts';

/** One Observatory test's verdict: its result id, whether it passed, and the result's modifier. */
export interface TestOutcome {
  id: string;
  pass: boolean;
  result: string;
  modifier: number;
  description: string;
}

/** What the header tests read: the final response and how it was reached. */
export interface ResponseFacts {
  /** The final URL (after redirects). */
  url: URL;
  /** Lower-case header names; repeated headers joined with ", " (the outbound client's flattening). */
  headers: Record<string, string>;
  /** Whether the https certificate chain is trusted (true for plain http, where it does not apply). */
  certValid: boolean;
}

export function outcome(id: string, result: string, pass: boolean): TestOutcome {
  return { id, result, pass, modifier: modifierOf(result), description: describe(result) };
}

// "csp-implemented-with-unsafe-inline" → "CSP implemented with unsafe inline"
function describe(result: string): string {
  const words = result
    .replace(/^csp-/, 'CSP-')
    .replace(/^hsts-/, 'HSTS-')
    .replace(/^sri-/, 'SRI-')
    .split('-')
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
