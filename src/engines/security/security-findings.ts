import type { Finding } from '../engine.ts';
import type { CookieFacts } from './cookie-test.ts';
import type { CspPolicy } from './csp-test.ts';
import type { ExposedFileResult } from './exposed-files.ts';
import type { CorsFacts, HstsFacts } from './header-tests.ts';
import type { TestOutcome } from './test-outcome.ts';
import type { TlsFacts } from './tls-check.ts';

const RECOMMENDATIONS: Record<string, string> = {
  'content-security-policy':
    "Send a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval' in script-src (use nonces or hashes), with object-src 'none' and base-uri 'self'.",
  cookies: 'Set Secure on every cookie, HttpOnly on session cookies, and SameSite=Lax or Strict.',
  'cross-origin-resource-sharing':
    'Never reflect the Origin header with Access-Control-Allow-Credentials: true; allow a fixed list of origins.',
  redirection: 'Redirect http:// to https:// on the same host first, with a 301.',
  'referrer-policy': 'Send Referrer-Policy: strict-origin-when-cross-origin (or stricter).',
  'strict-transport-security':
    'Send Strict-Transport-Security: max-age=63072000; includeSubDomains; preload over a trusted certificate.',
  'subresource-integrity': 'Load third-party scripts over https with an integrity="sha384-…" attribute.',
  'x-content-type-options': 'Send X-Content-Type-Options: nosniff.',
  'x-frame-options': "Send Content-Security-Policy: frame-ancestors 'none' (or X-Frame-Options: DENY).",
  'cross-origin-resource-policy': 'Send Cross-Origin-Resource-Policy: same-origin or same-site.',
};

const severityOf = (modifier: number): Finding['severity'] =>
  modifier <= -40 ? 'high' : modifier <= -20 ? 'medium' : 'low';

/** One finding per failed Observatory test that costs points. */
export function testFindings(tests: TestOutcome[]): Finding[] {
  return tests
    .filter((t) => t.modifier < 0)
    .map((t) => ({
      severity: severityOf(t.modifier),
      title: `${t.description} (${t.modifier})`,
      detail: `Observatory test ${t.id}: ${t.result}, ${t.modifier} points.`,
      recommendation: RECOMMENDATIONS[t.id] ?? '',
    }));
}

const f = (
  severity: Finding['severity'],
  title: string,
  detail: string,
  recommendation: string,
): Finding => ({
  severity,
  title,
  detail,
  recommendation,
});

type Rule = [when: boolean, severity: Finding['severity'], title: string, detail: string, fix: string];

// The findings whose condition holds, in the order given.
const pick = (rules: Rule[]): Finding[] => rules.filter((r) => r[0]).map(([, ...rest]) => f(...rest));

/** Ungraded header findings: policies the grade does not cover, and version banners. */
export function headerFindings(
  headers: Record<string, string>,
  csp: CspPolicy | null,
  hsts: HstsFacts | null,
  cors: CorsFacts,
): Finding[] {
  const starWithCredentials = cors.allowOrigin === '*' && cors.allowCredentials;
  return [
    ...pick([
      [
        !!csp?.unsafeObjects,
        'low',
        'CSP leaves object-src open',
        'Plugins can be loaded from anywhere.',
        "Add object-src 'none'.",
      ],
      [
        !!csp?.insecureBaseUri,
        'low',
        'CSP does not restrict base-uri',
        'An injected <base> can re-point relative script URLs.',
        "Add base-uri 'self' (or 'none').",
      ],
      [
        !!hsts && !hsts.includeSubDomains,
        'info',
        'HSTS without includeSubDomains',
        'Subdomains can still be reached over http.',
        'Add includeSubDomains once every subdomain serves https.',
      ],
      [
        starWithCredentials,
        'medium',
        'CORS allows * with credentials',
        'Browsers refuse this combination, so credentialed requests from other origins fail; the configuration is confused.',
        'Allow a fixed list of origins, or drop Access-Control-Allow-Credentials.',
      ],
      [
        cors.reflected && !cors.allowCredentials,
        'low',
        'CORS reflects any origin',
        'The server echoed an arbitrary Origin in Access-Control-Allow-Origin.',
        'Allow a fixed list of origins.',
      ],
      [
        !headers['permissions-policy'],
        'low',
        'No Permissions-Policy',
        'Embedded content may ask for camera, microphone, geolocation…',
        'Send Permissions-Policy denying the features the site does not use, e.g. camera=(), microphone=(), geolocation=().',
      ],
      [
        !headers['cross-origin-opener-policy'],
        'low',
        'No Cross-Origin-Opener-Policy',
        'Pages this site opens (or that open it) share its browsing context group.',
        'Send Cross-Origin-Opener-Policy: same-origin.',
      ],
    ]),
    ...bannerFindings(headers),
  ];
}

/** `Server: nginx/1.18.0` and `X-Powered-By: PHP/8.1` tell an attacker which exploits to try. */
export function bannerFindings(headers: Record<string, string>): Finding[] {
  const out: Finding[] = [];
  for (const name of ['server', 'x-powered-by', 'x-aspnet-version', 'x-aspnetmvc-version']) {
    const value = headers[name];
    if (!value) continue;
    const versioned = /\d+\.\d+/.test(value);
    if (name === 'server' && !versioned) continue;
    out.push(
      f(
        'low',
        `${name} header reveals ${versioned ? 'a version' : 'the framework'}: ${value}`,
        `The response carries ${name}: ${value}.`,
        `Remove ${name} or strip its version.`,
      ),
    );
  }
  return out;
}

export function cookieFindings(cookies: CookieFacts[]): Finding[] {
  return cookies
    .filter((c) => c.problems.length > 0)
    .map((c) =>
      f(
        'medium',
        `Cookie ${c.name}: ${c.problems.join(', ')}`,
        `Set-Cookie ${c.name} ${c.problems.join('; ')}.`,
        'Set Secure, HttpOnly (session cookies) and SameSite=Lax or Strict; follow the __Host-/__Secure- prefix rules.',
      ),
    );
}

export function tlsFindings(tls: TlsFacts): Finding[] {
  const renew = 'Renew the certificate (automate it, e.g. with ACME) and alert on tls_cert_days_left.';
  const until = `Valid until ${tls.validTo}.`;
  const expiring = `The certificate expires in ${tls.daysLeft} day(s)`;
  return pick([
    [
      tls.expired,
      'critical',
      `The certificate expired on ${tls.validTo.slice(0, 10)}`,
      `${-tls.daysLeft} day(s) ago.`,
      renew,
    ],
    [!tls.expired && tls.daysLeft < 14, 'high', expiring, until, renew],
    [tls.daysLeft >= 14 && tls.daysLeft < 30, 'medium', expiring, until, renew],
    [
      !tls.authorized,
      'high',
      `The certificate is not trusted: ${tls.authorizationError ?? 'unknown reason'}`,
      `Issuer ${tls.issuer}${tls.selfSigned ? ' (self-signed)' : ''}.`,
      'Serve a certificate from a public CA with the full intermediate chain.',
    ],
    [
      !tls.sanCoversHost,
      'high',
      "The certificate's names do not cover the host",
      `Names: ${tls.subjectAltNames.join(', ') || tls.subject}.`,
      'Issue the certificate for this host name.',
    ],
    [
      tls.protocolVersion > 0 && tls.protocolVersion < 1.2,
      'high',
      `Outdated protocol ${tls.protocol}`,
      'TLS 1.0 and 1.1 are deprecated (RFC 8996).',
      'Allow only TLS 1.2 and 1.3.',
    ],
    [
      tls.keyType === 'rsa' && tls.keyBits < 2048,
      'medium',
      `Weak RSA key (${tls.keyBits} bits)`,
      'RSA keys under 2048 bits are considered breakable.',
      'Use RSA 2048+ or an EC P-256 key.',
    ],
    [
      !tls.ocspStapled,
      'info',
      'No OCSP stapling',
      'Browsers must ask the CA for revocation status themselves.',
      'Enable OCSP stapling on the server.',
    ],
  ]);
}

export function exposedFileFindings(results: ExposedFileResult[]): Finding[] {
  return results
    .filter((r) => r.exposed)
    .map((r) =>
      f(
        r.severity,
        `Exposed ${r.path}: ${r.what}`,
        `${r.url} answered 200 with ${r.bytes} bytes of matching content.`,
        `Block ${r.path} at the web server and remove it from the document root; rotate any secret it held.`,
      ),
    );
}
