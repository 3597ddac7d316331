import zlib from 'node:zlib';
import type { Readable } from 'node:stream';

export interface CappedBody {
  /** Bytes as they came off the wire (still compressed), at most the cap. */
  raw: Buffer;
  truncated: boolean;
}

/** Reads a response body up to `maxBytes`; leaving the loop early destroys the stream (and the connection). */
export async function readCapped(body: Readable, maxBytes: number): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    if (chunk.length > room) {
      if (room > 0) chunks.push(chunk.subarray(0, room));
      size = maxBytes;
      return { raw: Buffer.concat(chunks, size), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { raw: Buffer.concat(chunks, size), truncated: false };
}

export interface DecodedBody {
  body: Buffer;
  /** True when the decoded body hit the cap (a small compressed body can expand enormously). */
  truncated: boolean;
  error?: string;
}

/** Decompresses a (possibly truncated) body by its Content-Encoding, never past `maxBytes`. */
export function decodeBody(raw: Buffer, encoding: string | undefined, maxBytes: number): DecodedBody {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (!enc || enc === 'identity' || raw.length === 0) return { body: raw, truncated: false };
  const gz = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: maxBytes };
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return { body: zlib.gunzipSync(raw, gz), truncated: false };
    if (enc === 'deflate') return { body: inflateEither(raw, gz), truncated: false };
    if (enc === 'br') {
      return { body: zlib.brotliDecompressSync(raw, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH, maxOutputLength: maxBytes }), truncated: false };
    }
    return { body: raw, truncated: false, error: `unsupported content-encoding ${enc}` };
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return { body: Buffer.alloc(0), truncated: true, error: 'decoded body exceeds the size cap' };
    return { body: raw, truncated: false, error: `could not decode ${enc} body: ${(err as Error).message}` };
  }
}

// "deflate" is zlib-wrapped by the standard but raw deflate in practice from some servers.
function inflateEither(raw: Buffer, options: zlib.ZlibOptions): Buffer {
  try {
    return zlib.inflateSync(raw, options);
  } catch {
    return zlib.inflateRawSync(raw, options);
  }
}
