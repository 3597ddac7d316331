import { isIPv6 } from 'node:net';

/** The eight 16-bit groups of an IPv6 address (`::` expanded, a dotted-quad tail converted), or null. */
export function ipv6Groups(address: string): number[] | null {
  if (!isIPv6(address)) return null;
  let text = address.toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  const groups = [...left, ...fill, ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

const dotted = (n: number) => [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
const join = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;

/** An IPv4 address carried inside an IPv6 one, and the form that carries it. */
export interface EmbeddedIpv4 {
  ipv4: string;
  form: string;
}

// RFC 6052 places the IPv4 address by prefix length, skipping bits 64–71 (the "u" octet).
function nat64Candidates(g: number[]): number[] {
  const byte = (i: number) => (i % 2 === 0 ? g[i / 2]! >> 8 : g[(i - 1) / 2]! & 0xff);
  const bytes = (...at: number[]) => at.reduce((n, i) => ((n << 8) | byte(i)) >>> 0, 0);
  return [bytes(6, 7, 9, 10), bytes(7, 9, 10, 11), bytes(9, 10, 11, 12), bytes(12, 13, 14, 15)];
}

/**
 * Every IPv4 address an IPv6 address routes to or stands for: IPv4-compatible (::/96), IPv4-mapped
 * (::ffff:0:0/96), NAT64 (64:ff9b::/96, and 64:ff9b:1::/48 at each RFC 6052 prefix length it may use),
 * 6to4 (2002::/16), Teredo (2001::/32, the client address inverted in the last 32 bits) and ISATAP
 * interface ids (…:0:5efe:a.b.c.d). A target is only as public as the IPv4 address it reaches.
 */
export function embeddedIpv4(address: string): EmbeddedIpv4[] {
  const g = ipv6Groups(address);
  if (!g) return [];
  const last = join(g[6]!, g[7]!);
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  const out: EmbeddedIpv4[] = [];
  if (zeroTo(6)) out.push({ ipv4: dotted(last), form: 'IPv4-compatible ::/96' });
  if (zeroTo(5) && g[5] === 0xffff) out.push({ ipv4: dotted(last), form: 'IPv4-mapped ::ffff:0:0/96' });
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))
    out.push({ ipv4: dotted(last), form: 'NAT64 64:ff9b::/96' });
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) {
    // A layout reading 0.x.x.x is the zero padding of another layout, not the address in use.
    const candidates = nat64Candidates(g).filter((n) => n >>> 24 !== 0);
    for (const n of candidates.length ? candidates : [0])
      out.push({ ipv4: dotted(n), form: 'local-use NAT64 64:ff9b:1::/48' });
  }
  if (g[0] === 0x2002) out.push({ ipv4: dotted(join(g[1]!, g[2]!)), form: '6to4 2002::/16' });
  if (g[0] === 0x2001 && g[1] === 0)
    out.push({ ipv4: dotted((last ^ 0xffffffff) >>> 0), form: 'Teredo 2001::/32' });
  if ((g[4]! & 0xfdff) === 0 && g[5] === 0x5efe) out.push({ ipv4: dotted(last), form: 'ISATAP' });
  return out;
}
