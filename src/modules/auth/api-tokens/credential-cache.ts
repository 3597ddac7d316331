import type { ApiTokenCredential } from './api-token.repository.ts';

/**
 * How long a looked-up token is trusted without asking the database again. Revocation, disabling and role
 * changes evict at once through events (ApiTokenRevoked, AccessRevoked); this bounds what a lost event
 * (a process cut off from Redis) can leave stale. Expiry is checked on every request regardless.
 */
export const CREDENTIAL_CACHE_TTL_MS = 10_000;
/** At most this many tokens remembered per process (~300 bytes each: ~3 MiB), oldest dropped first. */
export const CREDENTIALS_KEPT = 10_000;

/** Credentials by token hash, for CREDENTIAL_CACHE_TTL_MS; never a miss or a revoked token. */
export function createCredentialCache(now: () => number, ttlMs = CREDENTIAL_CACHE_TTL_MS) {
  const entries = new Map<string, { credential: ApiTokenCredential; until: number }>();
  const drop = (match: (c: ApiTokenCredential) => boolean) => {
    for (const [hash, entry] of entries) if (match(entry.credential)) entries.delete(hash);
  };
  return {
    get(hash: string): ApiTokenCredential | undefined {
      const entry = entries.get(hash);
      if (!entry) return undefined;
      if (entry.until > now()) return entry.credential;
      entries.delete(hash);
      return undefined;
    },
    set(hash: string, credential: ApiTokenCredential): void {
      entries.delete(hash);
      if (entries.size >= CREDENTIALS_KEPT) entries.delete(entries.keys().next().value!);
      entries.set(hash, { credential, until: now() + ttlMs });
    },
    forgetToken: (tokenId: string) => drop((c) => c.id === tokenId),
    /** Any AccessRevoked of the user (disabled, role changed, password changed …): ask the database again. */
    forgetUser: (userId: string) => drop((c) => c.userId === userId),
    get size() {
      return entries.size;
    },
  };
}
