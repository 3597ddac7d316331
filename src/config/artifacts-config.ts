import { ConfigError, readDuration as ms, readInt as int } from './parse.ts';

/** Caps of the result artifacts store and the lifetime of its signed links: docs/ARTIFACTS.md. */
export interface ArtifactsConfig {
  /** Stored (compressed) bytes one test may keep; artifacts past it are dropped and noted in the result. */
  maxTestBytes: number;
  /** Stored bytes of all tests together; past it the oldest tests' artifacts are deleted (a ring buffer). */
  maxTotalBytes: number;
  /** Lifetime of a signed download link (`url` in GET /api/tests/:testId/artifacts). */
  linkTtlMs: number;
}

type Env = Record<string, string | undefined>;

/** `e` already carries the defaults from ENV_VARS. */
export function parseArtifactsConfig(e: Env): ArtifactsConfig {
  const maxTestBytes = int(e, 'ARTIFACTS_MAX_TEST_BYTES', 0, 1_073_741_824);
  const maxTotalBytes = int(e, 'ARTIFACTS_MAX_TOTAL_BYTES', 0, 1_099_511_627_776);
  // One test's files must fit in the whole store, or storing them would evict everything else.
  if (maxTotalBytes < maxTestBytes)
    throw new ConfigError(
      'ARTIFACTS_MAX_TOTAL_BYTES',
      `at least ARTIFACTS_MAX_TEST_BYTES (${maxTestBytes})`,
      e.ARTIFACTS_MAX_TOTAL_BYTES,
    );
  return {
    maxTestBytes,
    maxTotalBytes,
    linkTtlMs: ms(e, 'ARTIFACT_LINK_TTL', 10_000, 7 * 86_400_000),
  };
}
