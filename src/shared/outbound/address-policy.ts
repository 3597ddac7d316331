import { BlockList, isIP } from 'node:net';
import { embeddedIpv4 } from './embedded-ipv4.ts';

/**
 * Address ranges a test may not target unless the operator allows private targets (SPEC section 7).
 * A server-side tester that fetches any URL is an SSRF gadget: without this list a user could probe the
 * operator's internal network or read cloud credentials from the metadata service.
 */
const RANGES: Array<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local / cloud metadata'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'unique local (private)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];
// Ranges that carry an IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible…) are judged by that address: see embedded-ipv4.ts.

// Metadata endpoints outside the ranges above (Alibaba Cloud; AWS over IPv6).
const METADATA = new Set(['100.100.100.200', 'fd00:ec2::254']);

const blockLists = RANGES.map(([net, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, reason };
});

/** Decides whether an address may be a target: the reason it is refused, or null. */
export type AddressPolicy = (address: string) => string | null;

function directReason(ip: string, type: 'ipv4' | 'ipv6'): string | null {
  if (METADATA.has(ip)) return 'cloud metadata';
  // BlockList matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 ranges too.
  for (const { list, reason } of blockLists) if (list.check(ip, type)) return reason;
  return null;
}

/** Why `address` is refused as a target, or null when it is a public address. The default policy. */
export function blockedAddressReason(address: string): string | null {
  const ip = address
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  const direct = directReason(ip, family === 4 ? 'ipv4' : 'ipv6');
  if (direct || family === 4) return direct;
  for (const { ipv4, form } of embeddedIpv4(ip)) {
    const reason = directReason(ipv4, 'ipv4');
    if (reason) return `${reason} (${form}, embedding ${ipv4})`;
  }
  return null;
}

/**
 * The default policy, except that `publicAddresses` count as public. Plain data, so a stress worker
 * thread applies the same policy as the main thread (tests stand a loopback fixture in for a public host).
 */
export function addressPolicy(publicAddresses: readonly string[] = []): AddressPolicy {
  if (publicAddresses.length === 0) return blockedAddressReason;
  const exempt = new Set(publicAddresses.map((a) => a.toLowerCase()));
  return (address) =>
    exempt.has(address.replace(/^\[|\]$/g, '').toLowerCase()) ? null : blockedAddressReason(address);
}
