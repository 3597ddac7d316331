import * as cheerio from 'cheerio';
import { outcome, type TestOutcome } from './test-outcome.ts';

export interface ScriptFacts {
  src: string;
  integrity: boolean;
  crossOrigin: boolean;
  /** Loaded over https (a protocol-relative `//host/x.js` is not: it follows the page's scheme). */
  secure: boolean;
}

export function scriptsOf(html: string, pageUrl: URL): ScriptFacts[] {
  const $ = cheerio.load(html);
  const out: ScriptFacts[] = [];
  $('script[src]').each((_, el) => {
    const src = $(el).attr('src')!.trim();
    let url: URL;
    try {
      url = new URL(src, pageUrl);
    } catch {
      return;
    }
    out.push({
      src: url.href,
      integrity: !!$(el).attr('integrity')?.trim(),
      crossOrigin: url.origin !== pageUrl.origin,
      secure: url.protocol === 'https:' && !src.startsWith('//'),
    });
  });
  return out;
}

/** Subresource Integrity on scripts. "Similar origin" is read as the page's own origin. */
export function sriTest(contentType: string, scripts: ScriptFacts[]): TestOutcome {
  const id = 'subresource-integrity';
  if (!/html/i.test(contentType)) return outcome(id, 'sri-not-implemented-response-not-html', true);
  if (scripts.length === 0) return outcome(id, 'sri-not-implemented-but-no-scripts-loaded', true);
  const external = scripts.filter((s) => s.crossOrigin);
  if (external.length === 0)
    return scripts.some((s) => s.integrity)
      ? outcome(id, 'sri-implemented-and-all-scripts-loaded-securely', true)
      : outcome(id, 'sri-not-implemented-but-all-scripts-loaded-from-secure-origin', true);
  const sri = external.every((s) => s.integrity);
  const secure = external.every((s) => s.secure);
  if (sri && secure) return outcome(id, 'sri-implemented-and-external-scripts-loaded-securely', true);
  if (sri) return outcome(id, 'sri-implemented-but-external-scripts-not-loaded-securely', false);
  if (secure) return outcome(id, 'sri-not-implemented-but-external-scripts-loaded-securely', false);
  return outcome(id, 'sri-not-implemented-and-external-scripts-not-loaded-securely', false);
}

/** What the plain-http request of the site did: unreachable, or its redirect chain and final URL. */
export interface HttpRedirectFacts {
  reachable: boolean;
  /** Location of each redirect, resolved. */
  hops: string[];
  finalUrl: string;
  /** The chain ended on https with a certificate that is not trusted. */
  invalidCert?: boolean;
}

/** The Observatory's redirection test: plain http should go straight to https on the same host. */
export function redirectionTest(r: HttpRedirectFacts, httpUrl: URL): TestOutcome {
  const id = 'redirection';
  if (!r.reachable) return outcome(id, 'redirection-not-needed-no-http', true);
  if (r.hops.length === 0) return outcome(id, 'redirection-missing', false);
  if (new URL(r.finalUrl).protocol !== 'https:') return outcome(id, 'redirection-not-to-https', false);
  if (r.invalidCert) return outcome(id, 'redirection-invalid-cert', false);
  const first = new URL(r.hops[0]!);
  if (first.protocol !== 'https:')
    return outcome(id, 'redirection-not-to-https-on-initial-redirection', false);
  if (first.hostname !== httpUrl.hostname) return outcome(id, 'redirection-off-host-from-http', false);
  return outcome(id, 'redirection-to-https', true);
}
