import { Secret } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { createTotp } from '../../../src/modules/auth/mfa/totp.ts';

// RFC 6238 Appendix B, the SHA-1 rows: seed "12345678901234567890" (ASCII), 8 digits, 30 s steps.
const SEED = Secret.fromLatin1('12345678901234567890').base32;
const VECTORS: [seconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe("the product's TOTP generator", () => {
  it.each(VECTORS)('at T=%i s gives the RFC 6238 code %s', (seconds, code) => {
    const totp = createTotp({ digits: 8, now: () => seconds * 1000 });
    expect(totp.code(SEED)).toBe(code);
    // The injected clock decides which codes match, and which step they belong to.
    expect(totp.match(SEED, code)).toBe(Math.floor(seconds / 30));
  });

  it('accepts the step before and after the current one, and no further', () => {
    const at = 1_111_111_111_000;
    const totp = createTotp({ digits: 8, now: () => at });
    const step = Math.floor(at / 30_000);
    expect(totp.match(SEED, totp.code(SEED, at - 30_000))).toBe(step - 1);
    expect(totp.match(SEED, totp.code(SEED, at + 30_000))).toBe(step + 1);
    expect(totp.match(SEED, totp.code(SEED, at - 60_000))).toBeNull();
    expect(totp.match(SEED, totp.code(SEED, at + 60_000))).toBeNull();
  });

  it('makes 160-bit base32 secrets and a key URI with the issuer and the account', () => {
    const totp = createTotp();
    const secret = totp.newSecret();
    expect(Secret.fromBase32(secret).bytes).toHaveLength(20);
    const uri = new URL(totp.uri(secret, 'ann@example.test'));
    expect(`${uri.protocol}//${uri.host}`).toBe('otpauth://totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/TestWeb:ann@example.test');
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      issuer: 'TestWeb',
      secret,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
