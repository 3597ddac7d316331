import { describe, expect, it } from 'vitest';
import { parseCookie, splitSetCookie } from '../../src/engines/security/cookie-test.ts';
import { cspTest } from '../../src/engines/security/csp-test.ts';
import { gradeResponse, type GradeInput } from '../../src/engines/security/grade.ts';
import { parseHsts, PROBE_ORIGIN } from '../../src/engines/security/header-tests.ts';
import { gradeFor, observatoryScore } from '../../src/engines/security/observatory-scoring.ts';
import { redirectionTest, scriptsOf, sriTest } from '../../src/engines/security/page-tests.ts';

// A name that is never resolved: these checks are pure.
const PAGE = new URL('https://site.invalid/');
const HTML = '<html><body>hi</body></html>';

function input(headers: Record<string, string>, body = HTML): GradeInput {
  return {
    url: PAGE,
    headers: { 'content-type': 'text/html', ...headers },
    certValid: true,
    body,
    // http://site.invalid/ answered with one redirect to https on the same host: redirection-to-https (0).
    redirect: { reachable: true, hops: [PAGE.href], finalUrl: PAGE.href },
    httpUrl: new URL('http://site.invalid/'),
  };
}
const modifiers = (g: ReturnType<typeof gradeResponse>) =>
  Object.fromEntries(g.tests.map((t) => [t.id, t.modifier]));

describe('security grade: five header sets graded with the Observatory scoring', () => {
  it('no security headers at all: 30, D', () => {
    const g = gradeResponse(input({}));
    expect(modifiers(g)).toEqual({
      'content-security-policy': -25, // csp-not-implemented
      cookies: 0, // cookies-not-found
      'cross-origin-resource-sharing': 0, // not implemented
      redirection: 0, // redirection-to-https
      'referrer-policy': 0, // referrer-policy-not-implemented
      'strict-transport-security': -20, // hsts-not-implemented
      'subresource-integrity': 0, // sri-not-implemented-but-no-scripts-loaded
      'x-content-type-options': -5, // x-content-type-options-not-implemented
      'x-frame-options': -20, // x-frame-options-not-implemented
      'cross-origin-resource-policy': 0, // not implemented
    });
    expect([g.score, g.grade]).toEqual([30, 'D']); // 100 - 25 - 20 - 5 - 20
  });

  it('a strong set: 140, A+ (no penalty, so every bonus counts)', () => {
    const g = gradeResponse(
      input(
        {
          'content-security-policy':
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
          'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'referrer-policy': 'strict-origin-when-cross-origin',
          'cross-origin-resource-policy': 'same-origin',
          'set-cookie': '__Host-session=abc; Path=/; Secure; HttpOnly; SameSite=Strict',
        },
        '<html><script src="/app.js" integrity="sha384-abc"></script></html>',
      ),
    );
    expect(modifiers(g)).toEqual({
      'content-security-policy': 10, // csp-implemented-with-no-unsafe-default-src-none
      cookies: 5, // cookies-secure-with-httponly-sessions-and-samesite
      'cross-origin-resource-sharing': 0,
      redirection: 0,
      'referrer-policy': 5, // referrer-policy-private
      'strict-transport-security': 0, // at least six months (preload list not consulted: no +5)
      'subresource-integrity': 5, // sri-implemented-and-all-scripts-loaded-securely
      'x-content-type-options': 0, // nosniff
      'x-frame-options': 5, // x-frame-options-implemented-via-csp
      'cross-origin-resource-policy': 10, // implemented-with-same-origin
    });
    expect([g.score, g.grade]).toEqual([140, 'A+']);
    expect(g.cookies[0]!.problems).toEqual([]);
    expect(g.hsts).toEqual({ maxAge: 63072000, includeSubDomains: true, preload: true });
  });

  it("a CSP with 'unsafe-inline' in script-src: 80, B+ (below 90 the bonuses do not count)", () => {
    const g = gradeResponse(
      input({
        'content-security-policy':
          "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
        'strict-transport-security': 'max-age=63072000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      }),
    );
    expect(g.tests[0]).toMatchObject({
      result: 'csp-implemented-with-unsafe-inline',
      modifier: -20,
      pass: false,
    });
    // -20 (unsafe-inline) = 80; +5 frame-ancestors and +5 referrer are bonuses, not counted below 90.
    expect([g.score, g.grade]).toEqual([80, 'B+']);
  });

  it('HSTS for a day and a session cookie without Secure: 50, C', () => {
    const g = gradeResponse(
      input({
        'content-security-policy': "default-src 'self'; object-src 'none'", // +5, not counted
        'strict-transport-security': 'max-age=86400', // -10: less than six months
        'set-cookie': 'sessionid=abc; HttpOnly; SameSite=Lax', // -40: session cookie without Secure
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
      }),
    );
    expect(modifiers(g)['strict-transport-security']).toBe(-10);
    expect(g.tests[1]!.result).toBe('cookies-session-without-secure-flag');
    expect([g.score, g.grade]).toEqual([50, 'C']); // 100 - 10 - 40
  });

  it('CORS reflecting any origin with credentials, and no nosniff: 45, C-', () => {
    const g = gradeResponse(
      input({
        'content-security-policy': "default-src 'self'; object-src 'none'",
        'strict-transport-security': 'max-age=31536000',
        'x-frame-options': 'DENY',
        'access-control-allow-origin': PROBE_ORIGIN,
        'access-control-allow-credentials': 'true',
      }),
    );
    expect(g.tests[2]).toMatchObject({
      result: 'cross-origin-resource-sharing-implemented-with-universal-access',
      modifier: -50,
    });
    expect([g.score, g.grade]).toEqual([45, 'C-']); // 100 - 50 (CORS) - 5 (nosniff)
  });
});

describe('security grade bands and bonus rule', () => {
  it.each([
    [140, 'A+'],
    [100, 'A+'],
    [99, 'A'],
    [90, 'A'],
    [89, 'A-'],
    [85, 'A-'],
    [84, 'B+'],
    [80, 'B+'],
    [79, 'B'],
    [70, 'B'],
    [69, 'B-'],
    [65, 'B-'],
    [64, 'C+'],
    [60, 'C+'],
    [59, 'C'],
    [50, 'C'],
    [49, 'C-'],
    [45, 'C-'],
    [44, 'D+'],
    [40, 'D+'],
    [39, 'D'],
    [30, 'D'],
    [29, 'D-'],
    [25, 'D-'],
    [24, 'F'],
    [0, 'F'],
  ])('%i is %s', (score, grade) => expect(gradeFor(score)).toBe(grade));

  it('counts bonuses only from 90, and never goes below 0', () => {
    expect(observatoryScore([-10, 5, 10])).toBe(105);
    expect(observatoryScore([-15, 5, 10])).toBe(85);
    expect(observatoryScore([-50, -50, -25])).toBe(0);
  });
});

describe('security checks', () => {
  const facts = (csp: string, url = PAGE) => ({
    url,
    headers: { 'content-security-policy': csp },
    certValid: true,
  });

  it('reads CSP sources as browsers do', () => {
    expect(cspTest(facts("script-src 'unsafe-eval' 'self'; object-src 'none'")).outcome.result).toBe(
      'csp-implemented-with-unsafe-eval',
    );
    // A nonce makes browsers ignore 'unsafe-inline'.
    expect(cspTest(facts("default-src 'self'; script-src 'nonce-x' 'unsafe-inline'")).outcome.result).toBe(
      'csp-implemented-with-no-unsafe',
    );
    expect(cspTest(facts("script-src 'self'")).outcome.result).toBe('csp-implemented-with-unsafe-inline'); // object-src open
    expect(cspTest(facts("default-src 'self'; script-src http://cdn.invalid")).outcome.result).toBe(
      'csp-implemented-with-insecure-scheme',
    );
    expect(cspTest(facts("default-src 'self'; script-src 'strict-dynamic'")).outcome.result).toBe(
      'csp-header-invalid',
    );
    const policy = cspTest(facts("default-src 'self'")).policy!;
    expect([policy.insecureBaseUri, policy.unsafeObjects, policy.antiClickjacking]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('splits flattened Set-Cookie headers and applies the prefix rules', () => {
    const raw =
      'a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Secure, __Host-b=2; Secure; Path=/x; SameSite=Lax';
    const [a, b] = splitSetCookie(raw).map(parseCookie);
    expect(a).toMatchObject({ name: 'a', secure: true, problems: ['no SameSite'] });
    expect(b!.problems).toEqual(['__Host- prefix needs Secure, Path=/ and no Domain']);
    expect(parseCookie('__Secure-c=1; SameSite=Strict').problems).toContain(
      '__Secure- prefix without Secure',
    );
  });

  it('keeps the worst cookie result across flags and cookies, as the Observatory orders them', () => {
    const grade = (cookie: string) => gradeResponse(input({ 'set-cookie': cookie })).tests[1]!;
    // Without Secure (-40) is worse than without HttpOnly (-30) for a session cookie.
    expect(grade('sessionid=1').result).toBe('cookies-session-without-secure-flag');
    // A later, milder cookie does not hide an earlier, worse one.
    expect(grade('sessionid=1, theme=dark; SameSite=Lax').modifier).toBe(-40);
    expect(grade('theme=dark; Secure; SameSite=None').result).toBe(
      'cookies-secure-with-httponly-sessions-and-samesite',
    );
    expect(grade('theme=dark; SameSite=Sometimes; Secure').result).toBe('cookies-samesite-flag-invalid');
  });

  it('parses HSTS directives', () => {
    expect(parseHsts('max-age="100"; preload')).toEqual({
      maxAge: 100,
      includeSubDomains: false,
      preload: true,
    });
    expect(parseHsts('includeSubDomains').maxAge).toBeNull();
  });

  it('grades scripts by origin, scheme and integrity', () => {
    const html =
      '<script src="https://cdn.invalid/a.js" integrity="sha384-x"></script><script src="//cdn.invalid/b.js"></script>';
    const scripts = scriptsOf(html, PAGE);
    expect(scripts.map((s) => [s.crossOrigin, s.secure, s.integrity])).toEqual([
      [true, true, true],
      [true, false, false],
    ]);
    expect(sriTest('text/html', scripts).modifier).toBe(-50);
    expect(sriTest('text/html', scripts.slice(0, 1)).modifier).toBe(5);
    expect(sriTest('application/json', scripts).modifier).toBe(0);
  });

  it('grades the http → https redirection', () => {
    const http = new URL('http://site.invalid/');
    const r = (hops: string[], finalUrl: string) =>
      redirectionTest({ reachable: true, hops, finalUrl }, http);
    expect(r([], 'http://site.invalid/').result).toBe('redirection-missing');
    expect(
      r(['http://www.site.invalid/', 'https://www.site.invalid/'], 'https://www.site.invalid/').result,
    ).toBe('redirection-not-to-https-on-initial-redirection');
    expect(r(['https://other.invalid/'], 'https://other.invalid/').result).toBe(
      'redirection-off-host-from-http',
    );
    expect(r(['http://site.invalid/x'], 'http://site.invalid/x').result).toBe('redirection-not-to-https');
    expect(redirectionTest({ reachable: false, hops: [], finalUrl: '' }, http).modifier).toBe(0);
  });
});
