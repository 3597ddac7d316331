import { pipeline, Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';

export interface ReadBody {
  /** The decoded (decompressed) body, at most the cap. */
  body: Buffer;
  /** Bytes taken off the wire (still compressed), at most the cap. */
  transferBytes: number;
  /** True when either the wire bytes or the decoded bytes hit the cap (a small compressed body can expand enormously). */
  truncated: boolean;
  /** Why the body could not be decoded (it is then returned as it came off the wire). */
  error?: string;
}

interface Collected {
  chunks: Buffer[];
  size: number;
  truncated: boolean;
}

/**
 * Appends `chunk` without passing `max` bytes and returns the part kept; `truncated` is set once a byte
 * had to be left out (a body of exactly `max` bytes is whole).
 */
function collect(into: Collected, chunk: Buffer, max: number): Buffer {
  const room = max - into.size;
  const kept = chunk.length > room ? chunk.subarray(0, Math.max(0, room)) : chunk;
  if (kept.length < chunk.length) into.truncated = true;
  if (kept.length > 0) into.chunks.push(kept);
  into.size += kept.length;
  return kept;
}

const bytesOf = (c: Collected) => Buffer.concat(c.chunks, c.size);

// "deflate" is zlib-wrapped by the standard but raw deflate in practice from some servers.
const isZlibWrapped = (first: Buffer) =>
  first.length >= 2 && (first[0]! & 0x0f) === 8 && ((first[0]! << 8) | first[1]!) % 31 === 0;

/** A streaming decoder for the Content-Encoding, `null` for identity, or a string saying it is unsupported. */
function decoderFor(encoding: string, first: Buffer): Transform | null | string {
  // A body cut at the cap ends mid-stream: flush what decodes instead of failing on the missing end.
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (!encoding || encoding === 'identity') return null;
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip(flush);
  if (encoding === 'deflate')
    return isZlibWrapped(first) ? zlib.createInflate(flush) : zlib.createInflateRaw(flush);
  if (encoding === 'br')
    return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  return `unsupported content-encoding ${encoding}`;
}

/**
 * Reads a response body, decoding it as it arrives, and stops as soon as either the wire bytes or the
 * decoded bytes reach `maxBytes`: a gzip bomb is cut at the cap after decompression, and the rest is
 * neither decompressed nor read (leaving early destroys the stream and its connection).
 */
export async function readBody(
  source: Readable,
  contentEncoding: string | undefined,
  maxBytes: number,
): Promise<ReadBody> {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  const wire: Collected = { chunks: [], size: 0, truncated: false };
  const iterator = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return { body: Buffer.alloc(0), transferBytes: 0, truncated: false };
  const decoder = decoderFor(encoding, first.value);
  async function* capped(): AsyncGenerator<Buffer> {
    try {
      for (let next = first; !next.done; next = await iterator.next()) {
        const kept = collect(wire, next.value, maxBytes);
        if (kept.length > 0) yield kept;
        if (wire.truncated) return;
      }
    } finally {
      await iterator.return?.();
    }
  }
  if (decoder === null || typeof decoder === 'string') {
    for await (const chunk of capped()) void chunk;
    const body = bytesOf(wire);
    return {
      body,
      transferBytes: wire.size,
      truncated: wire.truncated,
      ...(typeof decoder === 'string' ? { error: decoder } : {}),
    };
  }
  const decoded: Collected = { chunks: [], size: 0, truncated: false };
  // One chunk read ahead at most: the wire is read only as far as decoding needs.
  const output = pipeline(Readable.from(capped(), { highWaterMark: 1 }), decoder, () => undefined);
  try {
    for await (const chunk of output as AsyncIterable<Buffer>) {
      collect(decoded, chunk, maxBytes);
      if (decoded.truncated) break;
    }
  } catch (err) {
    return {
      body: bytesOf(wire),
      transferBytes: wire.size,
      truncated: wire.truncated,
      error: `could not decode ${encoding} body: ${(err as Error).message}`,
    };
  }
  return { body: bytesOf(decoded), transferBytes: wire.size, truncated: wire.truncated || decoded.truncated };
}
