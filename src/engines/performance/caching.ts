/** What a response's headers say about browser caching. */
export interface CachePolicy {
  /** Seconds a browser may reuse the response without asking, 0 when none. */
  freshnessSeconds: number;
  /** ETag or Last-Modified: the browser can revalidate cheaply, but still makes a request. */
  revalidatable: boolean;
  cacheControl: string;
}

export function cachePolicy(headers: Record<string, string>, now = Date.now()): CachePolicy {
  const cacheControl = headers['cache-control'] ?? '';
  const directives = cacheControl
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  const revalidatable = Boolean(headers.etag || headers['last-modified']);
  if (directives.includes('no-store') || directives.includes('no-cache'))
    return { freshnessSeconds: 0, revalidatable, cacheControl };
  const maxAge = directives.map((d) => /^(?:s-)?max-age=(\d+)$/.exec(d)?.[1]).find((v) => v !== undefined);
  if (maxAge !== undefined) return { freshnessSeconds: Number(maxAge), revalidatable, cacheControl };
  const expires = headers.expires ? Date.parse(headers.expires) : NaN;
  const freshness = Number.isFinite(expires) ? Math.max(0, Math.round((expires - now) / 1000)) : 0;
  return { freshnessSeconds: freshness, revalidatable, cacheControl };
}

const TEXT_TYPES =
  /^(text\/|application\/(javascript|x-javascript|ecmascript|json|ld\+json|xml|xhtml\+xml|manifest\+json)|image\/svg\+xml)/i;

/** Whether a response of this content type would shrink under gzip/brotli (images and fonts do not). */
export function isCompressible(contentType: string | undefined): boolean {
  return TEXT_TYPES.test((contentType ?? '').trim());
}

/** Bodies under this size gain little from compression; flagging them would be noise. */
export const MIN_COMPRESSIBLE_BYTES = 1024;
