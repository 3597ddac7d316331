import {
  addressPolicy,
  OutboundError,
  TargetRefusedError,
  type OutboundClient,
  type OutboundResponse,
} from '../../shared/outbound/index.ts';
import type { EngineContext, EngineResult, Finding, TestEngine } from '../engine.ts';
import { outboundOf } from '../shared/outbound-of.ts';
import { probeExposedFiles, type ExposedFileResult } from './exposed-files.ts';
import { gradeResponse, type Grade } from './grade.ts';
import { PROBE_ORIGIN } from './header-tests.ts';
import type { HttpRedirectFacts } from './page-tests.ts';
import {
  cookieFindings,
  exposedFileFindings,
  headerFindings,
  testFindings,
  tlsFindings,
} from './security-findings.ts';
import { SECURITY_METRICS } from './security.metrics.ts';
import { SecurityOptions } from './security.options.ts';
import { inspectTls, type TlsFacts } from './tls-check.ts';

type Ctx = EngineContext<SecurityOptions>;

/** Headers a site should send; each absent one counts in headers_missing (HSTS only over https). */
const RECOMMENDED_HEADERS = [
  'content-security-policy',
  'strict-transport-security',
  'x-content-type-options',
  'referrer-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
];

interface Page {
  response: OutboundResponse;
  /** The page had to be read over an untrusted certificate. */
  untrusted: boolean;
}

class RequestCounter {
  count = 0;
  add(res?: OutboundResponse) {
    this.count += 1 + (res?.redirects.length ?? 0);
  }
}

async function fetchPage(ctx: Ctx, http: OutboundClient, counter: RequestCounter): Promise<Page> {
  const o = ctx.options;
  const get = async (insecureTls: boolean, headers: Record<string, string>) => {
    const res = await http.request(ctx.url, {
      signal: ctx.signal,
      timeoutMs: o.timeoutMs,
      insecureTls,
      headers: { ...headers, origin: PROBE_ORIGIN },
    });
    counter.add(res);
    return res;
  };
  try {
    return { response: await get(o.insecureTls, o.headers ?? {}), untrusted: false };
  } catch (err) {
    ctx.signal.throwIfAborted();
    counter.add();
    if (err instanceof TargetRefusedError) throw err;
    // An untrusted certificate is a finding, not a reason not to grade: read the page without the
    // caller's headers (they may carry credentials) and report the certificate.
    if (err instanceof OutboundError && err.kind === 'tls')
      return { response: await get(true, {}), untrusted: true };
    throw new Error(`Could not load the page: ${(err as Error).message}`, { cause: err });
  }
}

/** Where plain http takes a visitor: the page's own chain for http URLs, http://host/ for https ones. */
async function httpRedirect(
  ctx: Ctx,
  page: Page,
  counter: RequestCounter,
): Promise<[URL, HttpRedirectFacts]> {
  const target = new URL(ctx.url);
  const hopsOf = (res: OutboundResponse) => res.redirects.map((r) => new URL(r.location, r.url).href);
  if (target.protocol === 'http:')
    return [target, { reachable: true, hops: hopsOf(page.response), finalUrl: page.response.url }];
  const httpUrl = new URL(`http://${target.host.replace(/:\d+$/, '')}/`);
  try {
    const res = await outboundOf(ctx).request(httpUrl.href, {
      signal: ctx.signal,
      timeoutMs: ctx.options.timeoutMs,
      insecureTls: true,
      maxRedirects: 5,
      maxBytes: 64 * 1024,
    });
    counter.add(res);
    const invalidCert = page.untrusted && new URL(res.url).host === target.host;
    return [httpUrl, { reachable: true, hops: hopsOf(res), finalUrl: res.url, invalidCert }];
  } catch (err) {
    ctx.signal.throwIfAborted();
    counter.add();
    if (err instanceof TargetRefusedError) throw err;
    return [httpUrl, { reachable: false, hops: [], finalUrl: '' }];
  }
}

async function checkTls(ctx: Ctx, url: URL): Promise<{ tls?: TlsFacts; error?: string }> {
  const http = outboundOf(ctx);
  try {
    const tls = await inspectTls(url, {
      allowPrivateTargets: http.settings.allowPrivateTargets,
      policy: addressPolicy(http.settings.publicAddresses),
      signal: ctx.signal,
      timeoutMs: ctx.options.timeoutMs,
    });
    return { tls };
  } catch (err) {
    ctx.signal.throwIfAborted();
    return { error: (err as Error).message };
  }
}

function headersMissing(headers: Record<string, string>, https: boolean, grade: Grade): number {
  const framing = !!headers['x-frame-options'] || !!grade.csp?.directives['frame-ancestors'];
  const absent = RECOMMENDED_HEADERS.filter(
    (h) => !headers[h] && (https || h !== 'strict-transport-security'),
  );
  return absent.length + (framing ? 0 : 1);
}

interface Facts {
  page: Page;
  grade: Grade;
  tls?: TlsFacts;
  tlsError?: string;
  exposed: ExposedFileResult[];
  requests: number;
}

function metricsOf(x: Facts): Record<string, number> {
  const https = new URL(x.page.response.url).protocol === 'https:';
  const metrics: Record<string, number> = {
    score: Math.min(100, x.grade.score),
    grade_score: x.grade.score,
    headers_missing: headersMissing(x.page.response.headers, https, x.grade),
    cookies_insecure: x.grade.cookies.filter((c) => c.problems.length > 0).length,
    exposed_files: x.exposed.filter((e) => e.exposed).length,
    requests_made: x.requests,
  };
  if (x.tls) {
    metrics.tls_cert_days_left = x.tls.daysLeft;
    metrics.tls_protocol_version = x.tls.protocolVersion;
  }
  return metrics;
}

const RANK: Record<Finding['severity'], number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

function findingsOf(x: Facts): Finding[] {
  const g = x.grade;
  const all = [
    ...exposedFileFindings(x.exposed),
    ...(x.tls ? tlsFindings(x.tls) : []),
    ...testFindings(g.tests),
    ...cookieFindings(g.cookies),
    ...headerFindings(x.page.response.headers, g.csp, g.hsts, g.cors),
  ];
  if (x.tlsError)
    all.push({
      severity: 'high',
      title: 'TLS handshake failed',
      detail: x.tlsError,
      recommendation: 'Check the server accepts TLS 1.2 or 1.3 connections on this port.',
    });
  return all.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

function resultOf(x: Facts): EngineResult {
  const res = x.page.response;
  const g = x.grade;
  const exposedCount = x.exposed.filter((e) => e.exposed).length;
  const tlsPart = x.tls ? `, certificate ${x.tls.expired ? 'expired' : `${x.tls.daysLeft} days left`}` : '';
  return {
    score: Math.min(100, g.score),
    summary: `Grade ${g.grade} (Observatory score ${g.score}), ${g.tests.filter((t) => !t.pass).length} of ${g.tests.length} header tests failed${tlsPart}, ${exposedCount} exposed file(s)`,
    metrics: metricsOf(x),
    findings: findingsOf(x),
    details: {
      grade: g.grade,
      score: g.score,
      finalUrl: res.url,
      status: res.status,
      tests: g.tests,
      headers: res.headers,
      csp: g.csp,
      hsts: g.hsts,
      cors: g.cors,
      cookies: g.cookies,
      scripts: g.scripts,
      tls: x.tls ?? null,
      tlsError: x.tlsError ?? null,
      exposedFiles: x.exposed,
      readOverUntrustedCertificate: x.page.untrusted,
    },
  };
}

async function run(ctx: Ctx): Promise<EngineResult> {
  const counter = new RequestCounter();
  const target = new URL(ctx.url);
  ctx.progress(5, 'Reading the response headers');
  const page = await fetchPage(ctx, outboundOf(ctx), counter);
  const [httpUrl, redirect] = await httpRedirect(ctx, page, counter);
  ctx.progress(30, 'Checking TLS');
  const finalUrl = new URL(page.response.url);
  const tlsUrl = finalUrl.protocol === 'https:' ? finalUrl : target.protocol === 'https:' ? target : null;
  const { tls, error: tlsError } = tlsUrl ? await checkTls(ctx, tlsUrl) : {};
  ctx.progress(50, 'Probing for exposed files');
  const exposed = ctx.options.checkExposedFiles
    ? await probeExposedFiles(finalUrl.origin, {
        http: outboundOf(ctx),
        signal: ctx.signal,
        timeoutMs: ctx.options.timeoutMs,
        insecureTls: true,
        onRequest: () => counter.add(),
      })
    : [];
  ctx.progress(90, 'Grading');
  const certValid = finalUrl.protocol !== 'https:' || (!!tls?.authorized && !page.untrusted);
  const grade = gradeResponse({
    url: finalUrl,
    headers: page.response.headers,
    certValid,
    body: page.response.body.toString('utf8'),
    redirect,
    httpUrl,
  });
  return resultOf({ page, grade, tls, tlsError, exposed, requests: counter.count });
}

/** Security headers graded as the MDN HTTP Observatory does, the TLS certificate, and exposed files. */
export const securityEngine: TestEngine<typeof SecurityOptions> = {
  name: 'security',
  description:
    'Security headers graded A+ to F (MDN HTTP Observatory scoring), TLS certificate, exposed files',
  options: SecurityOptions,
  metrics: SECURITY_METRICS,
  run,
};
