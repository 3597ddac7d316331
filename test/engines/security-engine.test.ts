import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineResult } from '../../src/engines/index.ts';
import { PROBE_ORIGIN } from '../../src/engines/security/header-tests.ts';
import { inspectTls } from '../../src/engines/security/tls-check.ts';
import { addressPolicy, TargetRefusedError } from '../../src/shared/outbound/index.ts';
import { waitFor } from '../support/wait.ts';
import { engineHarness } from './engine-harness.ts';
import {
  html,
  makeCert,
  startSecurityFixture,
  type SecurityFixture,
  type TestCert,
} from './security-fixtures.ts';

interface Details {
  grade: string;
  tests: Array<{ id: string; result: string; modifier: number }>;
  tls: {
    daysLeft: number;
    expired: boolean;
    authorized: boolean;
    sanCoversHost: boolean;
    issuer: string;
    keyBits: number;
    protocol: string;
  } | null;
  exposedFiles: Array<{ path: string; exposed: boolean }>;
  readOverUntrustedCertificate: boolean;
}
const details = (r: EngineResult) => r.details as unknown as Details;
const resultOf = (r: EngineResult, id: string) => details(r).tests.find((t) => t.id === id)!.result;
const titles = (r: EngineResult) => r.findings.map((f) => f.title);

describe('security engine', () => {
  const h = engineHarness({ allowPrivateTargets: true });
  const servers: SecurityFixture[] = [];
  const start = async (...args: Parameters<typeof startSecurityFixture>) => {
    const s = await startSecurityFixture(...args);
    servers.push(s);
    return s;
  };
  let valid: TestCert;
  let expired: TestCert;
  let otherName: TestCert;

  beforeAll(() => {
    valid = makeCert(30);
    expired = makeCert(-1);
    otherName = makeCert(30, 'DNS:other.invalid');
  });
  afterAll(async () => {
    await h.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('grades a page without security headers over plain http F, with every header test and probe counted', async () => {
    const site = await start({ '/': html() });
    const { result, progress } = await h.run('security', `${site.url}/`, {});
    // Plain http: -25 CSP, -20 no redirection to https, -20 HSTS impossible, -5 nosniff, -20 framing.
    expect(result.metrics).toMatchObject({
      grade_score: 10,
      score: 10,
      headers_missing: 7,
      exposed_files: 0,
    });
    expect(details(result).grade).toBe('F');
    expect(resultOf(result, 'redirection')).toBe('redirection-missing');
    expect(resultOf(result, 'strict-transport-security')).toBe('hsts-not-implemented-no-https');
    expect(result.metrics.tls_cert_days_left).toBeUndefined();
    // The page, the soft-404 probe and twelve files: what the server saw is what the metric says.
    expect(result.metrics.requests_made).toBe(site.total());
    expect(result.summary).toMatch(/^Grade F/);
    expect(progress.map((p) => p.message)).toEqual([
      'Reading the response headers',
      'Checking TLS',
      'Probing for exposed files',
      'Grading',
    ]);
  });

  it('sends a probe Origin and penalises a reflected origin with credentials, reporting banners and cookies', async () => {
    let origin: string | undefined;
    const site = await start({
      '/': (req, res) => {
        origin = req.headers.origin;
        html({
          'access-control-allow-origin': req.headers.origin ?? '',
          'access-control-allow-credentials': 'true',
          server: 'nginx/1.18.0',
          'x-powered-by': 'PHP/8.1.2',
          'set-cookie': ['sessionid=1; Path=/', 'theme=dark; Secure; SameSite=Lax'],
        })(req, res);
      },
    });
    const { result } = await h.run('security', `${site.url}/`, { checkExposedFiles: false });
    expect(origin).toBe(PROBE_ORIGIN);
    expect(resultOf(result, 'cross-origin-resource-sharing')).toBe(
      'cross-origin-resource-sharing-implemented-with-universal-access',
    );
    expect(resultOf(result, 'cookies')).toBe('cookies-session-without-secure-flag');
    expect(result.metrics.cookies_insecure).toBe(1);
    expect(result.metrics.grade_score).toBe(0); // 10 - 50 - 40, floored at 0
    expect(titles(result)).toEqual(
      expect.arrayContaining([
        'server header reveals a version: nginx/1.18.0',
        'x-powered-by header reveals a version: PHP/8.1.2',
      ]),
    );
  });

  it('finds an exposed .git/HEAD by its content and not an HTML .env', async () => {
    const site = await start({
      '/': html(),
      '/.git/HEAD': (_q, res) =>
        void res.writeHead(200, { 'content-type': 'text/plain' }).end('ref: refs/heads/main\n'),
      '/.env': html(),
    });
    const { result } = await h.run('security', `${site.url}/`, {});
    expect(result.metrics.exposed_files).toBe(1);
    expect(result.findings[0]).toMatchObject({
      severity: 'critical',
      title: expect.stringMatching(/^Exposed \/\.git\/HEAD/),
    });
    expect(
      details(result)
        .exposedFiles.filter((f) => f.exposed)
        .map((f) => f.path),
    ).toEqual(['/.git/HEAD']);
  });

  it('reports nothing on a soft-404 server that answers 200 to every path, within 20 probe requests', async () => {
    const site = await start(
      {},
      { fallback: html({}, '<html><body>Welcome! ref: refs/heads/main PHP Version 8</body></html>') },
    );
    const { result } = await h.run('security', `${site.url}/`, {});
    expect(result.metrics.exposed_files).toBe(0);
    expect(site.total() - (site.hits.get('/') ?? 0)).toBeLessThanOrEqual(20);
    expect(site.total()).toBe(result.metrics.requests_made);
  });

  it('reads the certificate of a valid self-signed https server: days left, protocol, untrusted', async () => {
    const site = await start(
      { '/': html({ 'strict-transport-security': 'max-age=63072000' }) },
      { tls: valid },
    );
    const { result } = await h.run('security', `${site.url}/`, { checkExposedFiles: false });
    const tls = details(result).tls!;
    expect(result.metrics.tls_cert_days_left).toBeGreaterThanOrEqual(29);
    expect(result.metrics.tls_cert_days_left).toBeLessThanOrEqual(30);
    expect(result.metrics.tls_protocol_version).toBe(1.3);
    expect(tls).toMatchObject({ expired: false, authorized: false, sanCoversHost: true, keyBits: 2048 });
    expect(tls.issuer).toContain('CN=fixture');
    expect(titles(result)).toContain('The certificate is not trusted: DEPTH_ZERO_SELF_SIGNED_CERT');
    // The page was still graded (read without the caller's headers); HSTS cannot count on a bad chain.
    expect(details(result).readOverUntrustedCertificate).toBe(true);
    expect(resultOf(result, 'strict-transport-security')).toBe('hsts-invalid-cert');
  });

  it('flags an expired certificate as critical with negative days left', async () => {
    const site = await start({ '/': html() }, { tls: expired });
    const { result } = await h.run('security', `${site.url}/`, { checkExposedFiles: false });
    expect(details(result).tls!.expired).toBe(true);
    expect(result.metrics.tls_cert_days_left).toBeGreaterThanOrEqual(-2);
    expect(result.metrics.tls_cert_days_left).toBeLessThanOrEqual(-1);
    expect(result.findings[0]).toMatchObject({
      severity: 'critical',
      title: expect.stringMatching(/^The certificate expired on/),
    });
  });

  it('flags a certificate whose names do not cover the host', async () => {
    const site = await start({ '/': html() }, { tls: otherName });
    const { result } = await h.run('security', `${site.url}/`, { checkExposedFiles: false });
    expect(details(result).tls!.sanCoversHost).toBe(false);
    expect(titles(result)).toContain("The certificate's names do not cover the host");
  });

  it('redirects from http to https on the same host pass the redirection test', async () => {
    const secure = await start({ '/': html() }, { tls: valid });
    const plain = await start({
      '/': (_q, res) => void res.writeHead(301, { location: `${secure.url}/` }).end(),
    });
    const { result } = await h.run('security', `${plain.url}/`, { checkExposedFiles: false });
    expect(resultOf(result, 'redirection')).toBe('redirection-to-https');
    expect(result.metrics.tls_protocol_version).toBe(1.3);
  });

  it('connects for TLS only where the SSRF guard allows, as the outbound client does', async () => {
    const site = await start({ '/': html() }, { tls: valid });
    const port = new URL(site.url).port;
    const o = {
      allowPrivateTargets: false,
      policy: addressPolicy(),
      signal: new AbortController().signal,
      timeoutMs: 5000,
    };
    await expect(inspectTls(new URL(`https://127.0.0.1:${port}/`), o)).rejects.toBeInstanceOf(
      TargetRefusedError,
    );
    // A name is checked on the address it resolves to (localhost: /etc/hosts, never DNS).
    await expect(inspectTls(new URL(`https://localhost:${port}/`), o)).rejects.toThrow(/Target refused/);
    const asPublic = { ...o, policy: addressPolicy(['127.0.0.1']) };
    await expect(inspectTls(new URL(`https://127.0.0.1:${port}/`), asPublic)).resolves.toMatchObject({
      sanCoversHost: true,
    });
    // The engine hands the TLS check the runner's publicAddresses.
    const guarded = engineHarness({ allowPrivateTargets: false, publicAddresses: ['127.0.0.1'] });
    try {
      const { result } = await guarded.run('security', `${site.url}/`, { checkExposedFiles: false });
      expect(result.metrics.tls_protocol_version).toBe(1.3);
    } finally {
      await guarded.close();
    }
  });

  it('stops within 2 s of a cancel while probing files', async () => {
    const site = await start({ '/': html() }, { fallback: () => undefined });
    const controller = new AbortController();
    const run = h.run('security', `${site.url}/`, {}, controller.signal);
    await waitFor(() => site.hits.size > 1, 5000, 'the first file probe');
    const abortedAt = Date.now();
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(2000);
  });

  it('stops within 2 s of a cancel', async () => {
    const site = await start({ '/': () => undefined });
    const controller = new AbortController();
    const run = h.run('security', `${site.url}/`, {}, controller.signal);
    // Cancel once the page request is in flight (the page never answers), not after a guessed delay.
    await waitFor(() => site.hits.size > 0, 5000, 'the page request');
    const abortedAt = Date.now();
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(2000);
  });
});
