import { describe, expect, it } from 'vitest';
import { testConfig } from '../support/app.ts';

describe('artifacts configuration', () => {
  it('defaults to 25 MiB per test, 2 GiB in all and 15-minute links', () => {
    expect(testConfig().artifacts).toEqual({
      maxTestBytes: 25 * 1024 * 1024,
      maxTotalBytes: 2 * 1024 ** 3,
      linkTtlMs: 15 * 60_000,
    });
  });

  it('refuses a total cap below the per-test cap, naming the variable', () => {
    expect(() => testConfig({ ARTIFACTS_MAX_TEST_BYTES: '1000', ARTIFACTS_MAX_TOTAL_BYTES: '999' })).toThrow(
      /ARTIFACTS_MAX_TOTAL_BYTES: expected at least ARTIFACTS_MAX_TEST_BYTES \(1000\)/,
    );
    expect(() => testConfig({ ARTIFACT_LINK_TTL: 'soon' })).toThrow(/ARTIFACT_LINK_TTL/);
  });
});
