import { describe, expect, it } from 'vitest';
import { CHROMIUM_SERVICE_HOSTS, hostMatcher } from '../../src/engines/browser/refused-hosts.ts';

describe('BROWSER_REFUSED_HOSTS patterns', () => {
  it("match a host exactly, a domain's subdomains with *., and every host name (no address) with *", () => {
    const m = hostMatcher(['svc.example', '*.updates.example']);
    expect(m('svc.example')).toBe(true);
    expect(m('SVC.example.')).toBe(true);
    expect(m('other.svc.example')).toBe(false);
    expect(m('a.updates.example')).toBe(true);
    expect(m('updates.example')).toBe(false);
    const all = hostMatcher(['*']);
    expect(all('anything.example')).toBe(true);
    expect(all('localhost')).toBe(true);
    expect(all('127.0.0.1')).toBe(false);
    expect(all('::1')).toBe(false);
  });

  it("refuse Chromium's own update and time services by default, not the sign-in host pages use", () => {
    const m = hostMatcher(CHROMIUM_SERVICE_HOSTS);
    expect(m('update.googleapis.com')).toBe(true);
    expect(m('clients2.google.com')).toBe(true);
    expect(m('accounts.google.com')).toBe(false);
    expect(m('fonts.googleapis.com')).toBe(false);
  });
});
