import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface SecurityFixture {
  url: string;
  /** Requests the server received, by path, and in all. */
  hits: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

const HTML = '<!doctype html><html><head><title>t</title></head><body>hello</body></html>';

export const html =
  (headers: Record<string, string | string[]> = {}, body = HTML): Handler =>
  (_req, res) =>
    void res.writeHead(200, { 'content-type': 'text/html', ...headers }).end(body);

/** A server whose routes are `routes`, answering 404 elsewhere unless `fallback` is given. */
export async function startSecurityFixture(
  routes: Record<string, Handler>,
  o: { fallback?: Handler; tls?: { key: Buffer; cert: Buffer } } = {},
): Promise<SecurityFixture> {
  const hits = new Map<string, number>();
  const handler: Handler = (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path] ?? o.fallback;
    if (route) return route(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  };
  const server = o.tls ? https.createServer(o.tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const scheme = o.tls ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    total: () => [...hits.values()].reduce((a, b) => a + b, 0),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface TestCert {
  key: Buffer;
  cert: Buffer;
}

/**
 * A self-signed certificate made by the openssl CLI at test time: `days` of validity from now, negative
 * for one that has already expired (OpenSSL 3.0's `x509 -days -1` ends it a day ago), for `san`.
 */
export function makeCert(days: number, san = 'IP:127.0.0.1'): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'testweb-cert-'));
  try {
    const p = (f: string) => join(dir, f);
    const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    run([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=fixture',
      '-keyout',
      p('k.pem'),
      '-out',
      p('r.csr'),
    ]);
    writeFileSync(p('ext.cnf'), `subjectAltName=${san}\n`);
    run([
      'x509',
      '-req',
      '-in',
      p('r.csr'),
      '-signkey',
      p('k.pem'),
      '-days',
      String(days),
      '-extfile',
      p('ext.cnf'),
      '-out',
      p('c.pem'),
    ]);
    return { key: readFileSync(p('k.pem')), cert: readFileSync(p('c.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
