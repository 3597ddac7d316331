import { describe, expect, it } from 'vitest';
import { createRevocationList, withRevocation } from '../../src/modules/auth/revocation.ts';
import { createAccessTokens } from '../../src/modules/auth/tokens.ts';

const TTL = 15 * 60_000;

describe('the revocation list', () => {
  it('refuses a revoked session until its last access token has expired, then forgets it', () => {
    let now = 1_000_000;
    const list = createRevocationList({ accessTtlMs: TTL, now: () => now });
    list.add(['s1']);
    expect(list.isRevoked('s1')).toBe(true);
    expect(list.isRevoked('s2')).toBe(false);
    now += TTL - 1;
    expect(list.isRevoked('s1')).toBe(true);
    now += 1;
    expect(list.isRevoked('s1')).toBe(false);
    list.add(['s2']); // adding prunes what has expired
    expect(list.size).toBe(1);
  });

  it('is bounded: full, the oldest entry goes and the overflow is reported', () => {
    let overflows = 0;
    const list = createRevocationList({
      accessTtlMs: TTL,
      now: () => 0,
      max: 3,
      onOverflow: () => overflows++,
    });
    list.add(['a', 'b', 'c', 'd']);
    expect(list.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((id) => list.isRevoked(id))).toEqual([false, true, true, true]);
    expect(overflows).toBe(1);
  });

  it('wraps the verifier: a revoked session’s valid token is refused with ERR_TOKEN_REVOKED', async () => {
    const list = createRevocationList({ accessTtlMs: TTL });
    const tokens = withRevocation(await createAccessTokens('a-secret-of-thirty-two-characters!!', TTL), list);
    const token = await tokens.sign({ id: 'u1', role: 'user' }, 'session-1');
    const other = await tokens.sign({ id: 'u1', role: 'user' }, 'session-2');
    expect(await tokens.verify(token)).toMatchObject({ id: 'u1', sessionId: 'session-1' });
    list.add(['session-1']);
    await expect(tokens.verify(token)).rejects.toMatchObject({ status: 401, code: 'ERR_TOKEN_REVOKED' });
    expect(await tokens.verify(other)).toMatchObject({ sessionId: 'session-2' });
  });
});
