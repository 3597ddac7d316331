import { BlockList, isIP } from 'node:net';

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
  ['64:ff9b::', 96, 'ipv6', 'NAT64 (may reach private IPv4)'],
];

// Metadata endpoints outside the ranges above (Alibaba Cloud; AWS over IPv6).
const METADATA = new Set(['100.100.100.200', 'fd00:ec2::254']);

const blockLists = RANGES.map(([net, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, reason };
});

/** Decides whether an address may be a target: the reason it is refused, or null. */
export type AddressPolicy = (address: string) => string | null;

/** Why `address` is refused as a target, or null when it is a public address. The default policy. */
export function blockedAddressReason(address: string): string | null {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  if (METADATA.has(ip.toLowerCase())) return 'cloud metadata';
  // BlockList matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 ranges too.
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, reason } of blockLists) if (list.check(ip, type)) return reason;
  return null;
}
