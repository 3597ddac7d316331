import { isIP } from 'node:net';
import { blockedAddressReason, type AddressPolicy } from './address-policy.ts';
import { assertAddressAllowed, resolveAll } from './guarded-lookup.ts';
import { TargetRefusedError } from './outbound-errors.ts';

/** Parses an http(s) URL or throws TargetRefusedError saying why it cannot be a target. */
export function parseTargetUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefusedError(`Invalid URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefusedError(`Target refused: only http and https URLs can be tested, not ${url.protocol}`);
  if (url.username || url.password) throw new TargetRefusedError('Target refused: credentials in the URL are not allowed; send an Authorization header instead');
  return url;
}

/**
 * Checks a URL before any connection: the scheme, and an IP-literal host (which net.connect never passes
 * to the guarded lookup). Named hosts are checked at connect time by the guarded lookup.
 */
export function checkUrlTarget(raw: string, allowPrivateTargets: boolean, policy: AddressPolicy = blockedAddressReason): URL {
  const url = parseTargetUrl(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateTargets && isIP(host)) assertAddressAllowed(host, host, policy);
  return url;
}

/** The up-front check of a submitted target: scheme, then every address its name resolves to now. */
export async function assertTargetAllowed(raw: string, allowPrivateTargets: boolean, policy: AddressPolicy = blockedAddressReason): Promise<URL> {
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
