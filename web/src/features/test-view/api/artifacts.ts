import { useQuery } from '@tanstack/react-query';
import { createContext, useCallback, useContext } from 'react';
import { api, call } from '../../../lib/api/client';
import type { ResponseOf } from '../../../lib/api/types';

export type ArtifactList = ResponseOf<'/api/tests/{testId}/artifacts', 'get'>;
/** One file of a result: `url` is a signed link (no Authorization header needed) until `expiresAt`. */
export type ArtifactItem = ArtifactList['items'][number];

/** Fetch fresh links this long before the current ones expire, so an image never points at a dead one. */
const MARGIN_MS = 60_000;

/** Milliseconds until the list should be fetched again: before its first link expires (false: no links). */
export function untilRelink(list: ArtifactList | undefined, now = Date.now()): number | false {
  if (!list?.items.length) return false;
  const first = Math.min(...list.items.map((a) => Date.parse(a.expiresAt)));
  return Math.max(10_000, first - MARGIN_MS - now);
}

/**
 * The files a result view inside it sees: those named `<prefix>…`, with the prefix taken off. A website
 * audit renders each part in that engine's own view under its part's prefix (`performance-`), so the
 * Lighthouse view finds `lighthouse-report.html` as it would in a Lighthouse test.
 */
export const ArtifactScope = createContext('');

export function scopedArtifacts(list: ArtifactList, prefix: string): ArtifactList {
  const items = list.items.filter((a) => a.name.startsWith(prefix));
  return { ...list, items: items.map((a) => ({ ...a, name: a.name.slice(prefix.length) })) };
}

/**
 * A test's files (reports, screenshots, frames) with signed links for `<img src>` and new tabs, which
 * cannot send the in-memory access token. Refetched before the links expire (ARTIFACT_LINK_TTL).
 */
export function useArtifacts(testId: string) {
  const prefix = useContext(ArtifactScope);
  const select = useCallback(
    (list: ArtifactList) => (prefix ? scopedArtifacts(list, prefix) : list),
    [prefix],
  );
  return useQuery({
    select,
    queryKey: ['tests', 'one', testId, 'artifacts'] as const,
    queryFn: () => call(api.GET('/api/tests/{testId}/artifacts', { params: { path: { testId } } })),
    staleTime: (query) => untilRelink(query.state.data) || 0,
    refetchInterval: (query) => untilRelink(query.state.data),
    refetchOnWindowFocus: true,
  });
}
