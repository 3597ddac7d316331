import { outcome, type TestOutcome } from './test-outcome.ts';

export interface CookieFacts {
  name: string;
  secure: boolean;
  httpOnly: boolean;
  /** The SameSite value as sent, '' for the attribute without a value, null when absent. */
  sameSite: string | null;
  path: string | null;
  domain: string | null;
  /** Why the cookie is weak: missing flags and broken `__Host-`/`__Secure-` prefix rules. */
  problems: string[];
}

/**
 * Splits the outbound client's flattened Set-Cookie ("a=1; Path=/, b=2") into cookies. A comma starts a
 * new cookie only when a `name=` follows it, so the comma inside `Expires=Wed, 21 Oct …` stays.
 */
export function splitSetCookie(header: string): string[] {
  return header
    .split(/,\s*(?=[^;,=\s]+=)/)
    .map((c) => c.trim())
    .filter(Boolean);
}

const isSession = (name: string) => /login|sess/i.test(name);

function problemsOf(c: Omit<CookieFacts, 'problems'>): string[] {
  const out: string[] = [];
  if (!c.secure) out.push('no Secure flag');
  if (isSession(c.name) && !c.httpOnly) out.push('session cookie without HttpOnly');
  if (c.sameSite === null) out.push('no SameSite');
  else if (!['lax', 'strict', 'none'].includes(c.sameSite.toLowerCase())) out.push('invalid SameSite');
  else if (c.sameSite.toLowerCase() === 'none' && !c.secure) out.push('SameSite=None without Secure');
  if (c.name.startsWith('__Secure-') && !c.secure) out.push('__Secure- prefix without Secure');
  if (c.name.startsWith('__Host-') && (!c.secure || c.path !== '/' || c.domain !== null))
    out.push('__Host- prefix needs Secure, Path=/ and no Domain');
  return out;
}

export function parseCookie(raw: string): CookieFacts {
  const [pair = '', ...attrs] = raw.split(';').map((p) => p.trim());
  const attr = new Map<string, string>();
  for (const a of attrs) {
    const eq = a.indexOf('=');
    const key = (eq < 0 ? a : a.slice(0, eq)).trim().toLowerCase();
    attr.set(key, eq < 0 ? '' : a.slice(eq + 1).trim());
  }
  const base = {
    name: pair.split('=')[0]!.trim(),
    secure: attr.has('secure'),
    httpOnly: attr.has('httponly'),
    sameSite: attr.get('samesite') ?? null,
    path: attr.get('path') ?? null,
    domain: attr.get('domain') ?? null,
  };
  return { ...base, problems: problemsOf(base) };
}

// The Observatory's order of goodness: a later result is worse and replaces an earlier one.
const WORSENING = [
  'cookies-without-secure-flag-but-protected-by-hsts',
  'cookies-without-secure-flag',
  'cookies-session-without-secure-flag-but-protected-by-hsts',
  'cookies-samesite-flag-invalid',
  'cookies-anticsrf-without-samesite-flag',
  'cookies-session-without-httponly-flag',
  'cookies-session-without-secure-flag',
];
const worse = (a: string | null, b: string) =>
  a === null || WORSENING.indexOf(b) > WORSENING.indexOf(a) ? b : a;

function cookieResult(c: CookieFacts, hsts: boolean, prior: string | null): string | null {
  let r = prior;
  const sameSite = c.sameSite?.toLowerCase();
  if (sameSite !== undefined && !['lax', 'strict', 'none'].includes(sameSite))
    r = worse(r, 'cookies-samesite-flag-invalid');
  if (sameSite === 'none' && !c.secure) r = worse(r, 'cookies-samesite-flag-invalid');
  if (!c.secure)
    r = worse(r, hsts ? 'cookies-without-secure-flag-but-protected-by-hsts' : 'cookies-without-secure-flag');
  if (/csrf/i.test(c.name) && c.sameSite === null) r = worse(r, 'cookies-anticsrf-without-samesite-flag');
  if (isSession(c.name) && !c.secure)
    r = worse(
      r,
      hsts
        ? 'cookies-session-without-secure-flag-but-protected-by-hsts'
        : 'cookies-session-without-secure-flag',
    );
  if (isSession(c.name) && !c.httpOnly) r = worse(r, 'cookies-session-without-httponly-flag');
  return r;
}

/** The Observatory's cookies test; `hsts` is whether its HSTS test passed. */
export function cookiesTest(cookies: CookieFacts[], hsts: boolean): TestOutcome {
  const id = 'cookies';
  if (cookies.length === 0) return outcome(id, 'cookies-not-found', true);
  let result: string | null = null;
  for (const c of cookies) result = cookieResult(c, hsts, result);
  if (result) return outcome(id, result, false);
  if (cookies.some((c) => c.sameSite === null))
    return outcome(id, 'cookies-secure-with-httponly-sessions', true);
  return outcome(id, 'cookies-secure-with-httponly-sessions-and-samesite', true);
}
