import parseContentSecurityPolicy from 'content-security-policy-parser';
import { outcome, type ResponseFacts, type TestOutcome } from './test-outcome.ts';

const BROAD = new Set(['ftp:', 'http:', 'https:', '*', 'http://*', 'http://*.*', 'https://*', 'https://*.*']);
const UNSAFE_INLINE = new Set(["'unsafe-inline'", 'data:']);
const isBroadOrInline = (s: string) => BROAD.has(s) || UNSAFE_INLINE.has(s);
const isNonceOrHash = (s: string) => /^'(nonce|sha256|sha384|sha512)-/.test(s);
const insecureScheme = (s: string) => s.startsWith('http:') || s.startsWith('ftp:');

export type CspDirectives = Map<string, Set<string>>;

/** What the policy allows beyond the graded result: the findings CSP review tools report. */
export interface CspPolicy {
  directives: Record<string, string[]>;
  unsafeInline: boolean;
  unsafeEval: boolean;
  /** object-src (or default-src) missing or overly broad: plugins can load from anywhere. */
  unsafeObjects: boolean;
  /** base-uri missing or broad: an injected <base> can redirect relative script URLs. */
  insecureBaseUri: boolean;
  /** frame-ancestors set and not broad. */
  antiClickjacking: boolean;
}

/** Parses every policy of the header (policies are comma-separated); the first of a directive wins. */
export function parseCsp(header: string): CspDirectives {
  const out: CspDirectives = new Map();
  for (const policy of header.split(',')) {
    for (const [name, values] of parseContentSecurityPolicy(policy)) {
      if (!out.has(name)) out.set(name, new Set(values));
    }
  }
  return out;
}

function sourcesOf(csp: CspDirectives, name: string): Set<string> {
  return new Set(csp.get(name) ?? csp.get('default-src') ?? ['*']);
}

// Nonces and hashes make browsers ignore 'unsafe-inline'; 'strict-dynamic' with them ignores hosts too.
function effectiveScriptSrc(csp: CspDirectives): Set<string> | null {
  const src = sourcesOf(csp, 'script-src');
  const hasNonce = [...src].some(isNonceOrHash);
  if (hasNonce) src.delete("'unsafe-inline'");
  if (src.has("'strict-dynamic'")) {
    if (!hasNonce) return null;
    for (const s of [...src])
      if ([...BROAD].some((b) => s.startsWith(b)) || s === "'self'" || s === "'unsafe-inline'") src.delete(s);
  }
  return src;
}

function policyOf(csp: CspDirectives, script: Set<string>, style: Set<string>): CspPolicy {
  const objects = sourcesOf(csp, 'object-src');
  const frameAncestors = csp.get('frame-ancestors') ?? new Set(['*']);
  return {
    directives: Object.fromEntries([...csp].map(([k, v]) => [k, [...v]])),
    unsafeInline: [...script].some(isBroadOrInline) || [...objects].some((s) => BROAD.has(s)),
    unsafeEval: script.has("'unsafe-eval'") || style.has("'unsafe-eval'"),
    unsafeObjects: [...objects].some((s) => BROAD.has(s)),
    insecureBaseUri: [...(csp.get('base-uri') ?? ['*'])].some(isBroadOrInline),
    antiClickjacking: ![...frameAncestors].some((s) => BROAD.has(s)),
  };
}

function resultOf(csp: CspDirectives, policy: CspPolicy, style: Set<string>, https: boolean): string {
  const active = [...csp].filter(([k]) => k !== 'img-src' && k !== 'media-src').flatMap(([, v]) => [...v]);
  const passive = ['img-src', 'media-src'].flatMap((d) => [...(csp.get(d) ?? csp.get('default-src') ?? [])]);
  if (policy.unsafeInline) return 'csp-implemented-with-unsafe-inline';
  if (https && active.some(insecureScheme)) return 'csp-implemented-with-insecure-scheme';
  if (policy.unsafeEval) return 'csp-implemented-with-unsafe-eval';
  if (https && passive.some(insecureScheme))
    return 'csp-implemented-with-insecure-scheme-in-passive-content-only';
  if ([...style].some(isBroadOrInline)) return 'csp-implemented-with-unsafe-inline-in-style-src-only';
  const def = csp.get('default-src');
  if (def?.has("'none'") && def.size === 1) return 'csp-implemented-with-no-unsafe-default-src-none';
  return 'csp-implemented-with-no-unsafe';
}

const PASSING = new Set([
  'csp-implemented-with-no-unsafe',
  'csp-implemented-with-no-unsafe-default-src-none',
  'csp-implemented-with-unsafe-inline-in-style-src-only',
  'csp-implemented-with-insecure-scheme-in-passive-content-only',
]);

/** The Observatory's content-security-policy test on the response header (meta tags are not read). */
export function cspTest(facts: ResponseFacts): { outcome: TestOutcome; policy: CspPolicy | null } {
  const header = facts.headers['content-security-policy'];
  const id = 'content-security-policy';
  if (!header) {
    const reporting = !!facts.headers['content-security-policy-report-only'];
    const result = reporting ? 'csp-not-implemented-but-reporting-enabled' : 'csp-not-implemented';
    return { outcome: outcome(id, result, false), policy: null };
  }
  const csp = parseCsp(header);
  const script = csp.size ? effectiveScriptSrc(csp) : null;
  if (!script) return { outcome: outcome(id, 'csp-header-invalid', false), policy: null };
  const style = sourcesOf(csp, 'style-src');
  const policy = policyOf(csp, script, style);
  const result = resultOf(csp, policy, style, facts.url.protocol === 'https:');
  return { outcome: outcome(id, result, PASSING.has(result)), policy };
}
