/**
 * Hosts the guard proxy refuses before any DNS lookup, without recording them as the page's blocked
 * requests: Chromium's own background services. Even with --disable-background-networking and
 * --disable-component-update, Chromium 156 asks update.googleapis.com (component and extension updates),
 * clients2.google.com (network time) and optimizationguide-pa.googleapis.com at start, and the page never
 * needs them. accounts.google.com (Chromium's account listing) is not refused by default because pages load
 * Google's sign-in script from it; an operator may add it (BROWSER_REFUSED_HOSTS).
 */
export const CHROMIUM_SERVICE_HOSTS: readonly string[] = [
  'update.googleapis.com',
  'clients2.google.com',
  'optimizationguide-pa.googleapis.com',
  'safebrowsing.googleapis.com',
  'clientservices.googleapis.com',
];

/**
 * A matcher for host patterns: `example.com` (that host), `*.example.com` (its subdomains) or `*` (every
 * host name that is not an IP address: tests use it so nothing but loopback addresses is ever resolved).
 */
export function hostMatcher(patterns: readonly string[]): (host: string) => boolean {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  let anyName = false;
  for (const raw of patterns) {
    const p = raw.trim().toLowerCase().replace(/\.$/, '');
    if (p === '*') anyName = true;
    else if (p.startsWith('*.')) suffixes.push(p.slice(1));
    else if (p) exact.add(p);
  }
  return (host) => {
    const h = host.toLowerCase().replace(/\.$/, '');
    if (anyName && !/^[\d.]+$|:/.test(h)) return true;
    return exact.has(h) || suffixes.some((s) => h.endsWith(s));
  };
}
