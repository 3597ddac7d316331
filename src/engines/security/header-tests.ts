import type { CspPolicy } from './csp-test.ts';
import { outcome, type ResponseFacts, type TestOutcome } from './test-outcome.ts';

/** The Observatory's six months: 15768000 s (182.5 days). */
export const HSTS_MIN_MAX_AGE = 15_768_000;

export interface HstsFacts {
  maxAge: number | null;
  includeSubDomains: boolean;
  preload: boolean;
}

export function parseHsts(header: string): HstsFacts {
  const parts = header.split(';').map((p) => p.trim().toLowerCase());
  const age = parts.find((p) => p.startsWith('max-age'))?.match(/^max-age\s*=\s*"?(\d+)"?$/);
  return {
    maxAge: age ? Number(age[1]) : null,
    includeSubDomains: parts.includes('includesubdomains'),
    preload: parts.includes('preload'),
  };
}

/**
 * Strict-Transport-Security. The Observatory's +5 `hsts-preloaded` needs the browsers' preload list,
 * which is not read here: a `preload` directive is reported, not rewarded.
 */
export function hstsTest(facts: ResponseFacts): { outcome: TestOutcome; hsts: HstsFacts | null } {
  const id = 'strict-transport-security';
  const header = facts.headers['strict-transport-security'];
  if (facts.url.protocol !== 'https:')
    return { outcome: outcome(id, 'hsts-not-implemented-no-https', false), hsts: null };
  if (!facts.certValid) return { outcome: outcome(id, 'hsts-invalid-cert', false), hsts: null };
  if (!header) return { outcome: outcome(id, 'hsts-not-implemented', false), hsts: null };
  const hsts = parseHsts(header.split(',')[0]!);
  if (hsts.maxAge === null) return { outcome: outcome(id, 'hsts-header-invalid', false), hsts };
  if (hsts.maxAge < HSTS_MIN_MAX_AGE)
    return { outcome: outcome(id, 'hsts-implemented-max-age-less-than-six-months', false), hsts };
  return { outcome: outcome(id, 'hsts-implemented-max-age-at-least-six-months', true), hsts };
}

export function xContentTypeOptionsTest(facts: ResponseFacts): TestOutcome {
  const id = 'x-content-type-options';
  const value = facts.headers['x-content-type-options'];
  if (value === undefined) return outcome(id, 'x-content-type-options-not-implemented', false);
  if (value.trim().toLowerCase() === 'nosniff') return outcome(id, 'x-content-type-options-nosniff', true);
  return outcome(id, 'x-content-type-options-header-invalid', false);
}

/** X-Frame-Options, where CSP frame-ancestors (which browsers prefer) counts as the better answer. */
export function xFrameOptionsTest(facts: ResponseFacts, csp: CspPolicy | null): TestOutcome {
  const id = 'x-frame-options';
  if (csp?.antiClickjacking && csp.directives['frame-ancestors'])
    return outcome(id, 'x-frame-options-implemented-via-csp', true);
  const value = facts.headers['x-frame-options']?.trim().toLowerCase();
  if (value === undefined) return outcome(id, 'x-frame-options-not-implemented', false);
  if (value === 'deny' || value === 'sameorigin')
    return outcome(id, 'x-frame-options-sameorigin-or-deny', true);
  if (value.startsWith('allow-from ')) return outcome(id, 'x-frame-options-allow-from-origin', true);
  return outcome(id, 'x-frame-options-header-invalid', false);
}

const PRIVATE_REFERRER = ['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin'];
const UNSAFE_REFERRER = ['origin', 'origin-when-cross-origin', 'unsafe-url', 'no-referrer-when-downgrade'];

/** Referrer-Policy; of a comma-separated list browsers apply the last value they know. */
export function referrerPolicyTest(facts: ResponseFacts): TestOutcome {
  const id = 'referrer-policy';
  const header = facts.headers['referrer-policy'];
  if (header === undefined) return outcome(id, 'referrer-policy-not-implemented', true);
  const known = header
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => PRIVATE_REFERRER.includes(v) || UNSAFE_REFERRER.includes(v));
  const last = known[known.length - 1];
  if (!last) return outcome(id, 'referrer-policy-header-invalid', false);
  if (PRIVATE_REFERRER.includes(last)) return outcome(id, 'referrer-policy-private', true);
  return outcome(id, 'referrer-policy-unsafe', false);
}

export function crossOriginResourcePolicyTest(facts: ResponseFacts): TestOutcome {
  const id = 'cross-origin-resource-policy';
  const value = facts.headers['cross-origin-resource-policy']?.trim().toLowerCase();
  if (value === undefined) return outcome(id, 'cross-origin-resource-policy-not-implemented', true);
  if (value === 'same-origin' || value === 'same-site' || value === 'cross-origin')
    return outcome(id, `cross-origin-resource-policy-implemented-with-${value}`, true);
  return outcome(id, 'cross-origin-resource-policy-header-invalid', false);
}

/** The Origin the engine sends, to see whether the server reflects any origin it is given. */
export const PROBE_ORIGIN = 'https://testweb-origin-check.invalid';

export interface CorsFacts {
  allowOrigin: string | null;
  allowCredentials: boolean;
  /** The server echoed the probe Origin back. */
  reflected: boolean;
}

export function corsFacts(headers: Record<string, string>): CorsFacts {
  const allowOrigin = headers['access-control-allow-origin']?.trim() ?? null;
  return {
    allowOrigin,
    allowCredentials: headers['access-control-allow-credentials']?.trim().toLowerCase() === 'true',
    reflected: allowOrigin === PROBE_ORIGIN,
  };
}

/**
 * CORS as the Observatory grades it: only a reflected origin with credentials is universal access
 * (-50). `*` with credentials is graded as public access: browsers refuse to send credentials to `*`,
 * so it is a finding (a broken configuration), not a penalty.
 */
export function corsTest(cors: CorsFacts): TestOutcome {
  const id = 'cross-origin-resource-sharing';
  if (cors.allowOrigin === null) return outcome(id, 'cross-origin-resource-sharing-not-implemented', true);
  if (cors.allowOrigin === '*')
    return outcome(id, 'cross-origin-resource-sharing-implemented-with-public-access', true);
  if (cors.reflected && cors.allowCredentials)
    return outcome(id, 'cross-origin-resource-sharing-implemented-with-universal-access', false);
  return outcome(id, 'cross-origin-resource-sharing-implemented-with-restricted-access', true);
}
