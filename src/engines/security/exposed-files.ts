import { randomBytes } from 'node:crypto';
import type { OutboundClient } from '../../shared/outbound/index.ts';

/** A file that should never be served, and what its content looks like when it is. */
export interface ExposedFileProbe {
  path: string;
  what: string;
  severity: 'critical' | 'high';
  matches(body: Buffer): boolean;
}

const text = (body: Buffer) => body.toString('utf8', 0, Math.min(body.length, 65_536));
const magic = (bytes: number[]) => (body: Buffer) => bytes.every((b, i) => body[i] === b);
const ZIP = magic([0x50, 0x4b, 0x03, 0x04]);
const GZIP = magic([0x1f, 0x8b]);

export const EXPOSED_FILE_PROBES: ExposedFileProbe[] = [
  {
    path: '/.git/HEAD',
    what: 'Git repository (source code and history)',
    severity: 'critical',
    matches: (b) => /^(ref: refs\/\S+|[0-9a-f]{40})\s*$/.test(text(b).trim()),
  },
  {
    path: '/.git/config',
    what: 'Git configuration',
    severity: 'critical',
    matches: (b) => /^\s*\[core\]/m.test(text(b)) && !/<html/i.test(text(b)),
  },
  {
    path: '/.env',
    what: 'environment file (secrets)',
    severity: 'critical',
    // Lines of KEY=value and no markup: a soft-404 HTML page never looks like this.
    matches: (b) => /^[A-Z][A-Z0-9_]*=\S*/m.test(text(b)) && !/<[a-z!]/i.test(text(b)),
  },
  {
    path: '/server-status',
    what: 'Apache mod_status page (clients, URLs being served)',
    severity: 'high',
    matches: (b) => /Apache Server Status/i.test(text(b)),
  },
  {
    path: '/phpinfo.php',
    what: 'phpinfo() page (configuration, paths, environment)',
    severity: 'high',
    matches: (b) => /<title>phpinfo\(\)<\/title>|PHP Version \d/i.test(text(b)),
  },
  {
    path: '/info.php',
    what: 'phpinfo() page (configuration, paths, environment)',
    severity: 'high',
    matches: (b) => /<title>phpinfo\(\)<\/title>|PHP Version \d/i.test(text(b)),
  },
  { path: '/backup.zip', what: 'backup archive', severity: 'critical', matches: ZIP },
  { path: '/site.zip', what: 'backup archive', severity: 'critical', matches: ZIP },
  { path: '/backup.tar.gz', what: 'backup archive', severity: 'critical', matches: GZIP },
  { path: '/site.tar.gz', what: 'backup archive', severity: 'critical', matches: GZIP },
  {
    path: '/backup.sql',
    what: 'database dump',
    severity: 'critical',
    matches: (b) => /\b(CREATE TABLE|INSERT INTO)\b/i.test(text(b)) && !/<html/i.test(text(b)),
  },
  {
    path: '/.DS_Store',
    what: 'macOS folder index (file names)',
    severity: 'high',
    matches: magic([0x00, 0x00, 0x00, 0x01, 0x42, 0x75, 0x64, 0x31]),
  },
];

/** Requests the probe may make in all: the soft-404 probe and one per file. */
export const MAX_EXPOSED_FILE_REQUESTS = 20;

export interface ExposedFileResult {
  path: string;
  url: string;
  status: number;
  bytes: number;
  exposed: boolean;
  what: string;
  severity: 'critical' | 'high';
  error?: string;
}

export interface ProbeOptions {
  http: OutboundClient;
  signal: AbortSignal;
  timeoutMs: number;
  insecureTls: boolean;
  probes?: ExposedFileProbe[];
  onRequest?: () => void;
}

async function fetchPath(origin: string, path: string, o: ProbeOptions) {
  o.onRequest?.();
  return o.http.request(new URL(path, origin).href, {
    signal: o.signal,
    timeoutMs: o.timeoutMs,
    insecureTls: o.insecureTls,
    maxRedirects: 0,
    maxBytes: 64 * 1024,
  });
}

/**
 * Asks for each well-known leaky file once. A hit needs a 200 whose content looks like the file: many
 * servers answer 200 with their home page for any path ("soft 404"), so a random path is asked first
 * and a body equal to its answer never counts.
 */
export async function probeExposedFiles(origin: string, o: ProbeOptions): Promise<ExposedFileResult[]> {
  const probes = (o.probes ?? EXPOSED_FILE_PROBES).slice(0, MAX_EXPOSED_FILE_REQUESTS - 1);
  let soft404: Buffer | null = null;
  try {
    const res = await fetchPath(origin, `/testweb-${randomBytes(8).toString('hex')}.txt`, o);
    if (res.status === 200) soft404 = res.body;
  } catch {
    o.signal.throwIfAborted();
  }
  const results: ExposedFileResult[] = [];
  for (const probe of probes) {
    const base = {
      path: probe.path,
      url: new URL(probe.path, origin).href,
      what: probe.what,
      severity: probe.severity,
    };
    try {
      const res = await fetchPath(origin, probe.path, o);
      const sameAsSoft404 = soft404 !== null && res.body.equals(soft404);
      const exposed = res.status === 200 && !sameAsSoft404 && probe.matches(res.body);
      results.push({ ...base, status: res.status, bytes: res.body.length, exposed });
    } catch (err) {
      o.signal.throwIfAborted();
      results.push({ ...base, status: 0, bytes: 0, exposed: false, error: (err as Error).message });
    }
  }
  return results;
}
