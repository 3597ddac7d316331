import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { EngineArtifact } from '../../engines/index.ts';

const gzipAsync = promisify(gzip);

/** A name of the store: what URLs and Content-Disposition carry, so nothing there needs escaping. */
export const ARTIFACT_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
export const MAX_ARTIFACTS_PER_RESULT = 50;
const CONTENT_TYPE = /^[a-z0-9][\w.+-]{0,62}\/[a-z0-9][\w.+-]{0,62}(; ?charset=[\w-]{1,40})?$/i;
/** Types worth compressing: PNG and JPEG are compressed already. */
const TEXT_TYPE = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript)\b|image\/svg\+xml\b)/i;

/** An artifact ready for a row: what it holds, compressed where that pays. */
export interface PreparedArtifact {
  name: string;
  contentType: string;
  label: string | null;
  encoding: 'gzip' | 'identity';
  size: number;
  storedSize: number;
  sha256: string;
  data: Buffer;
}

/** An artifact the store refused, noted in the result's `details.artifactsDropped`. */
export interface DroppedArtifact {
  name: string;
  size: number;
  reason: string;
}

export interface PreparedArtifacts {
  kept: PreparedArtifact[];
  dropped: DroppedArtifact[];
}

function refusal(a: EngineArtifact, index: number, seen: Set<string>): string | null {
  if (index >= MAX_ARTIFACTS_PER_RESULT) return `more than ${MAX_ARTIFACTS_PER_RESULT} artifacts`;
  if (typeof a.name !== 'string' || !ARTIFACT_NAME.test(a.name))
    return 'invalid name (expected [a-z0-9][a-z0-9._-]{0,99})';
  if (seen.has(a.name)) return 'duplicate name';
  if (typeof a.contentType !== 'string' || !CONTENT_TYPE.test(a.contentType)) return 'invalid content type';
  if (!Buffer.isBuffer(a.data)) return 'data is not a Buffer';
  return null;
}

async function prepareOne(a: EngineArtifact): Promise<PreparedArtifact> {
  const compress = TEXT_TYPE.test(a.contentType);
  const data = compress ? await gzipAsync(a.data) : a.data;
  return {
    name: a.name,
    contentType: a.contentType.toLowerCase(),
    label: typeof a.label === 'string' && a.label.trim() ? a.label.trim().slice(0, 200) : null,
    encoding: compress ? 'gzip' : 'identity',
    size: a.data.length,
    storedSize: data.length,
    sha256: createHash('sha256').update(a.data).digest('hex'),
    data,
  };
}

/**
 * Checks, compresses and caps what an engine returned. Files are kept in the engine's order (engines list
 * the most useful first: the report, then the screenshot, then the frames); one that would take the test
 * past `maxTestBytes` stored bytes is dropped and a later, smaller one may still fit.
 */
export async function prepareArtifacts(
  files: readonly EngineArtifact[] | undefined,
  maxTestBytes: number,
): Promise<PreparedArtifacts> {
  const kept: PreparedArtifact[] = [];
  const dropped: DroppedArtifact[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const [index, file] of (files ?? []).entries()) {
    const size = Buffer.isBuffer(file.data) ? file.data.length : 0;
    const name = String(file.name).slice(0, 120);
    const refused = refusal(file, index, seen);
    if (refused) {
      dropped.push({ name, size, reason: refused });
      continue;
    }
    seen.add(file.name);
    const prepared = await prepareOne(file);
    if (total + prepared.storedSize > maxTestBytes) {
      dropped.push({ name, size, reason: `over ARTIFACTS_MAX_TEST_BYTES (${maxTestBytes} stored bytes)` });
      continue;
    }
    total += prepared.storedSize;
    kept.push(prepared);
  }
  return { kept, dropped };
}
