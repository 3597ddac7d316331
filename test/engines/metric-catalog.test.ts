import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/engines/index.ts';
import { engineHarness } from './engine-harness.ts';

/**
 * Each product engine's run, small enough to be quick, on the loopback fixture below. `absent`: catalog
 * metrics documented as present only in other runs (a website part this run leaves out).
 */
const RUNS: Record<string, { path: string; options: Record<string, unknown>; absent?: RegExp }> = {
  api: { path: '/api', options: { assertions: [{ source: 'status', comparison: 'equals', target: 200 }] } },
  performance: { path: '/', options: { runs: 1 } },
  stress: { path: '/api', options: { vus: 2, duration: '1s' } },
  accessibility: { path: '/', options: {} },
  // Plain http: the TLS metrics are reported for https targets only (security-engine.test.ts has those).
  security: { path: '/', options: {}, absent: /^tls_/ },
  // The fixture answers every path with the page: robots.txt and the sitemap are read but say nothing.
  seo: { path: '/', options: { maxPages: 2 } },
  // Every category (their scores are metrics), desktop, simulated throttling: Lighthouse's fastest full run.
  lighthouse: { path: '/', options: { formFactor: 'desktop' } },
  // The audit's cheapest part (axe, ~3 s; with Lighthouse it is ~18 s): the other parts' metrics, present
  // only when their part ran, are absent here and checked by website-engine.test.ts.
  website: { path: '/', options: { parts: ['accessibility'] }, absent: /^(performance|seo|security)_/ },
};

const PAGE =
  '<html><head><link rel="stylesheet" href="/s.css"><script src="/a.js"></script></head><body>hi</body></html>';

describe('engine metric catalogs', () => {
  let server: http.Server;
  let base: string;
  const h = engineHarness({ browser: true });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/api')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (req.url === '/s.css') return void res.writeHead(200, { 'content-type': 'text/css' }).end('body{}');
      if (req.url === '/a.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end('1');
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await h.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('has a run here for every product engine', () => {
    expect(Object.keys(RUNS).sort()).toEqual(ENGINES.map((e) => e.name).sort());
  });

  it.each(ENGINES.map((e) => [e.name, e] as const))(
    '%s reports exactly the metrics its catalog lists',
    async (name, engine) => {
      const run = RUNS[name]!;
      const { result } = await h.run(name, `${base}${run.path}`, run.options);
      expect(engine.metrics, `${name} has no metric catalog`).toBeDefined();
      const expected = Object.keys(engine.metrics!).filter((m) => !run.absent?.test(m));
      expect(Object.keys(result.metrics).sort()).toEqual(expected.sort());
      for (const meaning of Object.values(engine.metrics!)) expect(meaning.length).toBeGreaterThan(5);
    },
    // A Lighthouse run of every category takes 10–25 s on these machines.
    120_000,
  );

  it('lists every catalog metric in docs/ENGINES.md', () => {
    const doc = readFileSync(new URL('../../docs/ENGINES.md', import.meta.url), 'utf8');
    const missing = ENGINES.flatMap((e) =>
      Object.keys(e.metrics ?? {}).filter((m) => !doc.includes(`\`${m}\``)),
    );
    expect(missing).toEqual([]);
  });
});
