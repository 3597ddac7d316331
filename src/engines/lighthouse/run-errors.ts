import type { BlockedRequest } from '../browser/browser-pool.types.ts';
import { NonRetryableError } from '../engine.ts';
import type { LighthouseRun } from './run-lighthouse.ts';

/**
 * Lighthouse's page-load errors that the same page would give again: a document answering 4xx/5xx
 * (ERRORED_DOCUMENT_REQUEST), not HTML, an invalid URL. Others (no paint, a hung page, a failed
 * connection) may be passing trouble, and the queue retries them.
 */
const DETERMINISTIC = new Set(['ERRORED_DOCUMENT_REQUEST', 'NOT_HTML', 'INVALID_URL']);
const DOCUMENT_FAILURES = new Set(['FAILED_DOCUMENT_REQUEST', 'ERRORED_DOCUMENT_REQUEST']);

function sameUrl(a: string | undefined, b: string): boolean {
  if (!a) return false;
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

/** Why a run measured nothing (Lighthouse's runtimeError), as the error the test fails with; null if it measured. */
export function unmeasuredError(run: LighthouseRun, url: string): Error | null {
  const err = run.lhr.runtimeError;
  if (!err) return null;
  const lhr = run.lhr;
  const documentUrls = [url, lhr.requestedUrl, lhr.mainDocumentUrl, lhr.finalDisplayedUrl];
  // The guard refused the document itself (a redirect to a private address): retrying cannot help.
  const refused =
    run.blocked.find((b) => documentUrls.some((u) => sameUrl(u, b.url))) ??
    (DOCUMENT_FAILURES.has(err.code) ? run.blocked[0] : undefined);
  if (refused)
    return new NonRetryableError(
      `The page was refused: ${refused.url}: ${refused.reason}`,
      'ERR_TARGET_REFUSED',
    );
  const message = `Lighthouse could not measure the page: ${err.message} (${err.code})`;
  return DETERMINISTIC.has(err.code) ? new NonRetryableError(message) : new Error(message);
}

/** The requests the guard refused over every run, each once (every run loads the same page). */
export function uniqueBlocked(perRun: BlockedRequest[][]): BlockedRequest[] {
  const seen = new Map<string, BlockedRequest>();
  for (const list of perRun) for (const b of list) if (!seen.has(b.url)) seen.set(b.url, b);
  return [...seen.values()];
}
