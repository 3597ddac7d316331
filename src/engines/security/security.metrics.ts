/** The security engine's result metrics (alert rules are validated against them; docs/ENGINES.md lists them). */
export const SECURITY_METRICS: Record<string, string> = {
  score: 'Observatory header score capped at 100, 0-100',
  grade_score: 'MDN HTTP Observatory header score, 0 and up (above 100 with bonuses; A+ from 100)',
  headers_missing: 'Recommended security headers absent from the response (count)',
  cookies_insecure:
    'Cookies without Secure or SameSite, session cookies without HttpOnly, or breaking their prefix (count)',
  exposed_files: 'Well-known leaky files served with matching content (count)',
  tls_cert_days_left: 'Days until the server certificate expires, negative once expired (https only)',
  tls_protocol_version: 'Negotiated TLS version, 1.2 or 1.3 (https only)',
  requests_made: 'HTTP requests the test sent, redirects included (count)',
};

/** Metrics only an https target reports. */
export const HTTPS_ONLY_METRICS = ['tls_cert_days_left', 'tls_protocol_version'];
