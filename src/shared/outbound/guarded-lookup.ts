import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { blockedAddressReason, type AddressPolicy } from './address-policy.ts';
import { TargetRefusedError } from './outbound-errors.ts';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/** Throws TargetRefusedError when `address` (resolved for `host`) is not allowed. */
export function assertAddressAllowed(
  host: string,
  address: string,
  policy: AddressPolicy = blockedAddressReason,
): void {
  const reason = policy(address);
  if (reason) {
    const via = host === address ? '' : ` (${host} resolves to ${address})`;
    throw new TargetRefusedError(
      `Target refused: ${address} is a ${reason} address${via}; set ALLOW_PRIVATE_TARGETS=true to allow it`,
    );
  }
}

/**
 * A `lookup` for net/tls.connect that checks every address the name resolves to. The check runs on the
 * address the socket then connects to, so DNS rebinding (a public answer at validation time, a private
 * one at connect time) cannot slip past it. IP literals skip lookup in net.connect; callers check those
 * before connecting (see checkUrlTarget).
 */
export function createGuardedLookup(
  allowPrivateTargets: boolean,
  policy: AddressPolicy = blockedAddressReason,
): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!allowPrivateTargets) {
        try {
          for (const a of addresses) assertAddressAllowed(hostname, a.address, policy);
        } catch (refused) {
          return callback(refused as NodeJS.ErrnoException, []);
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname}: no addresses`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** Resolves a host name the way a connection would, for the up-front check of a submitted URL. */
export function resolveAll(hostname: string): Promise<string[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return Promise.resolve([host]);
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses.map((a) => a.address)),
    );
  });
}
