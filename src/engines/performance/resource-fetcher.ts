import type { OutboundClient } from '../../shared/outbound/index.ts';
import { cachePolicy, isCompressible, MIN_COMPRESSIBLE_BYTES } from './caching.ts';
import { extractCssFonts, type ResourceRef, type ResourceType } from './page-resources.ts';

export interface FetchedResource {
  url: string;
  type: ResourceType;
  status: number;
  /** Bytes on the wire (compressed). */
  transferBytes: number;
  /** Decoded size. */
  bodyBytes: number;
  contentType: string;
  encoding: string;
  freshnessSeconds: number;
  cacheControl: string;
  durationMs: number;
  /** A compressible text resource served without compression. */
  uncompressedText: boolean;
  error?: string;
}

export interface FetchOptions {
  http: OutboundClient;
  signal: AbortSignal;
  concurrency: number;
  maxResources: number;
  timeoutMs: number;
  insecureTls: boolean;
  onDone?: (done: number, total: number) => void;
}

async function fetchOne(
  ref: ResourceRef,
  o: FetchOptions,
): Promise<{ resource: FetchedResource; fonts: ResourceRef[] }> {
  const started = performance.now();
  try {
    const res = await o.http.request(ref.url, {
      signal: o.signal,
      timeoutMs: o.timeoutMs,
      insecureTls: o.insecureTls,
      maxRedirects: 5,
    });
    const contentType = (res.headers['content-type'] ?? '').split(';')[0]!.trim();
    const policy = cachePolicy(res.headers);
    const resource: FetchedResource = {
      url: ref.url,
      type: ref.type,
      status: res.status,
      transferBytes: res.transferBytes,
      bodyBytes: res.body.length,
      contentType,
      encoding: res.encoding,
      freshnessSeconds: policy.freshnessSeconds,
      cacheControl: policy.cacheControl,
      durationMs: res.timings.totalMs,
      uncompressedText:
        res.status < 400 &&
        !res.encoding &&
        isCompressible(contentType) &&
        res.body.length >= MIN_COMPRESSIBLE_BYTES,
    };
    const fonts =
      ref.type === 'style' && res.status < 400 ? extractCssFonts(res.body.toString('utf8'), res.url) : [];
    return { resource, fonts };
  } catch (err) {
    o.signal.throwIfAborted();
    const resource: FetchedResource = {
      url: ref.url,
      type: ref.type,
      status: 0,
      transferBytes: 0,
      bodyBytes: 0,
      contentType: '',
      encoding: '',
      freshnessSeconds: 0,
      cacheControl: '',
      durationMs: performance.now() - started,
      uncompressedText: false,
      error: (err as Error).message,
    };
    return { resource, fonts: [] };
  }
}

/**
 * Fetches subresources with at most `concurrency` in flight (browsers open about six connections per
 * host), adding fonts found in stylesheets, never more than `maxResources` in all.
 */
export async function fetchResources(
  refs: ResourceRef[],
  o: FetchOptions,
): Promise<{ resources: FetchedResource[]; skipped: number }> {
  const queue = refs.slice(0, o.maxResources);
  const seen = new Set(refs.map((r) => r.url));
  let skipped = Math.max(0, refs.length - o.maxResources);
  const resources: FetchedResource[] = [];
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const ref = queue[next++]!;
      const { resource, fonts } = await fetchOne(ref, o);
      resources.push(resource);
      for (const font of fonts) {
        if (seen.has(font.url)) continue;
        seen.add(font.url);
        if (queue.length < o.maxResources) queue.push(font);
        else skipped++;
      }
      o.onDone?.(resources.length, queue.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  return { resources, skipped };
}
