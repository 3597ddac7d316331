import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { startGuardProxy, type GuardProxy } from '../../src/engines/browser/guard-proxy.ts';

/** Sends one raw request to the proxy and returns everything it answers until it closes. */
function raw(proxy: GuardProxy, request: string, until?: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const c = net.connect(proxy.port, '127.0.0.1', () => c.write(request));
    c.on('data', (d: Buffer) => {
      got += d.toString();
      if (until && got.endsWith(until)) c.end();
    });
    c.on('close', () => resolve(got));
  });
}

describe('the guard proxy', () => {
  let echo: net.Server;
  let site: http.Server;
  let echoPort: number;
  let sitePort: number;
  let proxy: GuardProxy;
  beforeAll(async () => {
    echo = net.createServer((s) => s.pipe(s));
    // Answers with what it received: method, body and headers.
    site = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', connection: 'keep-alive, x-hop' });
        res.end(
          JSON.stringify({
            method: req.method,
            body: Buffer.concat(chunks).toString(),
            headers: req.headers,
          }),
        );
      });
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    echoPort = (echo.address() as net.AddressInfo).port;
    sitePort = (site.address() as net.AddressInfo).port;
    proxy = await startGuardProxy({ allowPrivateTargets: false, publicAddresses: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await proxy.close();
    echo.close();
    site.close();
  });

  it('forwards plain http with its body, without hop-by-hop and Proxy-* headers', async () => {
    const res = await fetchVia(proxy, `http://127.0.0.1:${sitePort}/form?x=1`, 'POST', 'a=1&b=2', {
      'proxy-authorization': 'Basic c2VjcmV0',
      connection: 'keep-alive, x-hop',
      'x-hop': 'dropped',
      'x-kept': 'kept',
    });
    expect(res.status).toBe(201);
    const seen = JSON.parse(res.body) as { method: string; body: string; headers: Record<string, string> };
    expect(seen).toMatchObject({ method: 'POST', body: 'a=1&b=2' });
    expect(seen.headers['x-kept']).toBe('kept');
    expect(seen.headers).not.toHaveProperty('proxy-authorization');
    expect(seen.headers).not.toHaveProperty('x-hop');
    expect(seen.headers.host).toBe(`127.0.0.1:${sitePort}`);
  });

  it('answers a refused plain request with 403 and records it', async () => {
    const res = await fetchVia(proxy, 'http://127.0.0.2:9/admin', 'GET');
    expect(res.status).toBe(403);
    expect(res.body).toContain('127.0.0.2 is a loopback address');
    expect(proxy.blocked()).toContainEqual({
      url: 'http://127.0.0.2:9/admin',
      reason: '127.0.0.2 is a loopback address',
    });
  });

  it('tunnels CONNECT to an allowed address and refuses one to a private address', async () => {
    const open = await raw(proxy, `CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: x\r\n\r\nping`, 'ping');
    expect(open).toBe('HTTP/1.1 200 Connection Established\r\n\r\nping');
    const refused = await raw(proxy, `CONNECT [::1]:${echoPort} HTTP/1.1\r\nHost: x\r\n\r\nping`);
    expect(refused).toMatch(/^HTTP\/1.1 403 Forbidden\r\n/);
    expect(proxy.blocked()).toContainEqual({ url: `[::1]:${echoPort}`, reason: '::1 is a loopback address' });
  });

  it('refuses to be used as a plain server (origin-form requests)', async () => {
    expect(await raw(proxy, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1.1 400 /);
  });
});

/** An absolute-form request through the proxy, as a browser sends it. */
function fetchVia(
  proxy: GuardProxy,
  url: string,
  method: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: proxy.port,
        method,
        path: url,
        headers: { host: new URL(url).host, ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
