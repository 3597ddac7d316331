import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { NotFoundError, UnauthorizedError } from '../../shared/http/index.ts';
import type { ArtifactLinks } from './artifact-links.ts';
import type { ArtifactFile, ArtifactRepository } from './artifact.repository.ts';
import type { ArtifactList } from './artifacts.schemas.ts';
import type { Viewer } from './test.repository.ts';

const gunzipAsync = promisify(gunzip);

/**
 * Served with every artifact: an HTML report (Lighthouse's has inline scripts and the tested site's
 * content) or an SVG then runs in an opaque origin and cannot read the dashboard's storage or call its API.
 */
export const ARTIFACT_CSP =
  "sandbox allow-scripts allow-popups; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:";

/** What a download request carries besides the path. */
export interface DownloadRequest {
  expires?: number;
  sig?: string;
  acceptEncoding?: string;
  ifNoneMatch?: string;
}

export interface DownloadResponse {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Buffer | null;
}

/** Whether an Accept-Encoding header admits gzip (`gzip` or `*` with a q above 0). */
export function acceptsGzip(header: string | undefined): boolean {
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [coding, ...params] = part.split(';').map((s) => s.trim());
    if (coding !== 'gzip' && coding !== '*') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

const inline = (type: string) => type.startsWith('image/') || type.startsWith('text/html');
const asBuffer = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

function headersOf(file: ArtifactFile, gzipped: boolean, maxAge: number): Record<string, string> {
  return {
    'content-type': file.content_type,
    'content-disposition': `${inline(file.content_type) ? 'inline' : 'attachment'}; filename="${file.name}"`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': ARTIFACT_CSP,
    'cache-control': `private, max-age=${maxAge}`,
    etag: `"${file.sha256.slice(0, 32)}${gzipped ? '-gz' : ''}"`,
    vary: 'Accept-Encoding',
    ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
  };
}

interface ArtifactsDeps {
  artifacts: ArtifactRepository;
  links: ArtifactLinks;
}

/** Which file a request may have, and for how long a browser may keep it. */
async function authorize(
  { artifacts, links }: ArtifactsDeps,
  viewer: Viewer | null,
  testId: string,
  name: string,
  req: DownloadRequest,
) {
  const signed = req.expires !== undefined || req.sig !== undefined;
  const check = signed ? links.verify(testId, name, req.expires ?? 0, req.sig ?? '') : null;
  if (check === 'valid')
    return { file: await artifacts.get(null, testId, name), maxAge: links.remaining(req.expires!) };
  if (viewer) return { file: await artifacts.get(viewer, testId, name), maxAge: 0 };
  if (check === 'expired')
    throw new UnauthorizedError(
      "This artifact link has expired: list the test's artifacts again (GET /api/tests/{testId}/artifacts) for a fresh one",
      'ERR_ARTIFACT_LINK_EXPIRED',
    );
  if (check === 'invalid')
    throw new UnauthorizedError(
      'This artifact link is not valid for this test and file (a signature needs both expires and sig, unaltered)',
      'ERR_ARTIFACT_LINK_INVALID',
    );
  throw new UnauthorizedError(
    'Send Authorization: Bearer <access token>, or use a signed link from the artifacts list',
  );
}

/** Lists a test's artifacts with signed links, and serves one by sign-in or by link. */
export function createArtifactsService(deps: ArtifactsDeps) {
  const { artifacts, links } = deps;

  return {
    async list(viewer: Viewer, testId: string): Promise<ArtifactList> {
      const rows = await artifacts.list(viewer, testId);
      if (!rows) throw new NotFoundError(`No test ${testId}`);
      return {
        items: rows.map((r) => {
          const link = links.sign(testId, r.name);
          return {
            name: r.name,
            contentType: r.content_type,
            size: r.size,
            label: r.label,
            createdAt: new Date(r.created_at).toISOString(),
            url: link.path,
            expiresAt: new Date(link.expires * 1000).toISOString(),
          };
        }),
      };
    },

    async download(
      viewer: Viewer | null,
      testId: string,
      name: string,
      req: DownloadRequest,
    ): Promise<DownloadResponse> {
      const { file, maxAge } = await authorize(deps, viewer, testId, name, req);
      if (!file) throw new NotFoundError(`Test ${testId} has no artifact named ${name}`);
      const gzipped = file.encoding === 'gzip' && acceptsGzip(req.acceptEncoding);
      const headers = headersOf(file, gzipped, maxAge);
      if (req.ifNoneMatch?.split(',').some((t) => t.trim() === headers.etag))
        return { status: 304, headers, body: null };
      const stored = asBuffer(file.data);
      const body = file.encoding === 'gzip' && !gzipped ? await gunzipAsync(stored) : stored;
      return { status: 200, headers, body };
    },
  };
}

export type ArtifactsService = ReturnType<typeof createArtifactsService>;
