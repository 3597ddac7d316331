import { isIP } from 'node:net';
import { blockedAddressReason, type AddressPolicy } from './address-policy.ts';
import { assertAddressAllowed, resolveAll } from './guarded-lookup.ts';
import { TargetRefusedError, TargetUnresolvedError } from './outbound-errors.ts';

/** How long a submission waits for its target's name to resolve. */
export const SUBMIT_RESOLVE_TIMEOUT_MS = 5000;

/** Parses an http(s) URL or throws TargetRefusedError saying why it cannot be a target. */
export function parseTargetUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefusedError(`Invalid URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TargetRefusedError(
      `Target refused: only http and https URLs can be tested, not ${url.protocol}`,
    );
  if (url.username || url.password)
    throw new TargetRefusedError(
      'Target refused: credentials in the URL are not allowed; send an Authorization header instead',
    );
  return url;
}

/**
 * Checks a URL before any connection: the scheme, and an IP-literal host (which net.connect never passes
 * to the guarded lookup). Named hosts are checked at connect time by the guarded lookup.
 */
export function checkUrlTarget(
  raw: string,
  allowPrivateTargets: boolean,
  policy: AddressPolicy = blockedAddressReason,
): URL {
  const url = parseTargetUrl(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateTargets && isIP(host)) assertAddressAllowed(host, host, policy);
  return url;
}

/** The up-front check of a submitted target: scheme, then every address its name resolves to now. */
export async function assertTargetAllowed(
  raw: string,
  allowPrivateTargets: boolean,
  policy: AddressPolicy = blockedAddressReason,
): Promise<URL> {
  const url = checkUrlTarget(raw, allowPrivateTargets, policy);
  if (allowPrivateTargets) return url;
  let addresses: string[];
  try {
    addresses = await resolveAll(url.hostname);
  } catch {
    // An unresolvable name is not an SSRF risk; the engine reports it as a DNS failure.
    return url;
  }
  for (const address of addresses) assertAddressAllowed(url.hostname, address, policy);
  return url;
}

function resolveWithin(hostname: string, timeoutMs: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEOUT' })),
      timeoutMs,
    );
  });
  return Promise.race([resolveAll(hostname), timeout]).finally(() => clearTimeout(timer));
}

/**
 * The check of a target when a test is submitted: the scheme, a name that resolves (whatever
 * ALLOW_PRIVATE_TARGETS says: a test of a name that does not resolve cannot run), and, unless private
 * targets are allowed, every address it resolves to. Throws TargetRefusedError or TargetUnresolvedError.
 */
export async function checkSubmittedTarget(
  raw: string,
  allowPrivateTargets: boolean,
  policy: AddressPolicy = blockedAddressReason,
  timeoutMs = SUBMIT_RESOLVE_TIMEOUT_MS,
): Promise<URL> {
  const url = checkUrlTarget(raw, allowPrivateTargets, policy);
  let addresses: string[];
  try {
    addresses = await resolveWithin(url.hostname, timeoutMs);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'EAI_FAIL';
    throw new TargetUnresolvedError(`${url.hostname} does not resolve (${code})`, code);
  }
  if (!allowPrivateTargets)
    for (const address of addresses) assertAddressAllowed(url.hostname, address, policy);
  return url;
}
