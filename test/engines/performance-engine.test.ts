import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  pageFacts,
  startFixtureServer,
  startH2FixtureServer,
  startTlsFixtureServer,
  type FixtureServer,
} from '../fixtures/target-server.fixture.ts';
import { SCORED, startEngineFixture } from './engine-fixtures.ts';
import { engineHarness } from './engine-harness.ts';

describe('performance engine', () => {
  let server: FixtureServer;
  let tls: FixtureServer;
  const h = engineHarness({ maxResponseBytes: 1024 * 1024 });

  beforeAll(async () => {
    server = await startFixtureServer();
    tls = await startTlsFixtureServer();
  });
  afterAll(async () => {
    await h.close();
    await server.close();
    await tls.close();
  });

  it('measures the page and every subresource with the sizes the fixture serves', async () => {
    const facts = pageFacts();
    const { result, progress } = await h.run('performance', `${server.url}/page`, { runs: 3 });
    const m = result.metrics;
    expect(m.status_code).toBe(200);
    expect(server.hits.get('/page')).toBe(3);
    expect(m.document_transfer_bytes).toBe(facts.documentTransfer);
    expect(m.document_bytes).toBe(facts.documentBytes);
    expect(m.resources_total).toBe(facts.resources);
    expect(m.requests_total).toBe(1 + facts.resources);
    expect(m.page_weight_bytes).toBe(facts.documentTransfer + facts.resourcesTransfer);
    expect(server.hits.get('/fonts/x.woff2')).toBe(1); // found inside the stylesheet
    expect(m.resources_failed).toBe(1); // /img/missing.png
    expect(m.uncompressed_text_resources).toBe(1); // vendor.js, 8000 bytes of JS without gzip
    expect(m.uncached_resources).toBe(2); // vendor.js and the font have no cache lifetime
    for (const phase of ['connect_ms', 'ttfb_ms', 'download_ms', 'total_ms'])
      expect(m[phase], phase).toBeGreaterThanOrEqual(0);
    expect(m.ttfb_ms).toBeGreaterThan(0);
    expect(m.total_ms).toBeGreaterThanOrEqual(m.ttfb_ms!);
    expect(result.score).toBeGreaterThan(0);
    expect(result.score).toBeLessThanOrEqual(100);
    const details = result.details as {
      document: { compression: string; httpVersion: string };
      runs: unknown[];
      largestResources: Array<{ url: string }>;
    };
    expect(details.document.compression).toBe('gzip');
    expect(details.runs).toHaveLength(3);
    expect(details.largestResources[0]!.url).toBe(`${server.url}/img/logo.png`);
    const titles = result.findings.map((f) => f.title);
    expect(titles).toContain('1 text resource(s) sent uncompressed');
    expect(titles).toContain('1 resource(s) failed to load');
    expect(progress.length).toBeGreaterThan(3);
  });

  it('weighs each part of the score as documented, on a page whose every part is known', async () => {
    const fixture = await startEngineFixture();
    try {
      const { result } = await h.run('performance', `${fixture.url}/scored`, { runs: 3 });
      const m = result.metrics;
      // The facts the parts are computed from, as the fixture serves them.
      expect(m).toMatchObject({
        status_code: 200,
        redirect_count: 1,
        requests_total: 42,
        resources_total: 40,
        resources_failed: 8,
        page_weight_bytes: SCORED.pageWeightBytes,
        uncached_resources: 24,
      });
      expect(m.ttfb_ms).toBeLessThan(200); // loopback: well inside "good"
      expect(m.total_ms).toBeLessThan(1000);
      expect(result.details.scoreBreakdown).toEqual({
        ttfb: 25, // at or below 200 ms: the full weight
        loadTime: 15, // at or below 1000 ms
        pageWeight: 10, // 3.5 MB, half-way from 1 MB (20) to 6 MB (0)
        requests: 9, // 42 requests: 10 * (150 - 42) / (150 - 30)
        compression: 7.5, // 2 of 4 compressible responses compressed (the document, app.js) of 15
        caching: 2.5, // 8 of 32 loaded resources with a lifetime, of 10
        health: 4, // 32 of 40 loaded, of 5
      });
      expect(result.score).toBe(73);
      expect(m.score).toBe(73);
    } finally {
      await fixture.close();
    }
  });

  it('reports an uncompressed document and its full size', async () => {
    const facts = pageFacts();
    const { result } = await h.run('performance', `${server.url}/plain`, { runs: 1, fetchResources: false });
    expect(result.metrics.document_transfer_bytes).toBe(facts.documentBytes);
    expect(result.metrics.requests_total).toBe(1);
    expect(result.findings.map((f) => f.title)).toContain('The HTML document is not compressed');
  });

  it('follows a redirect chain and counts it', async () => {
    const { result } = await h.run('performance', `${server.url}/r1`, { runs: 1, fetchResources: false });
    expect(result.metrics.redirect_count).toBe(2);
    expect(result.metrics.status_code).toBe(200);
    expect((result.details.document as { finalUrl: string }).finalUrl).toBe(`${server.url}/page`);
  });

  it('fails with a clear message on a redirect loop', async () => {
    await expect(h.run('performance', `${server.url}/loop`, { runs: 1 })).rejects.toThrow(
      /more than 10 redirects/,
    );
  });

  it('fails with a clear message when the target refuses connections', async () => {
    const port = await closedPort();
    await expect(h.run('performance', `http://127.0.0.1:${port}/`, { runs: 1 })).rejects.toThrow(
      /Could not load the page: .*connection refused/,
    );
  });

  it('fails with a clear message when the connection is reset', async () => {
    await expect(h.run('performance', `${server.url}/reset`, { runs: 1 })).rejects.toThrow(
      /Could not load the page: .*(reset|socket)/i,
    );
  });

  it('refuses a self-signed certificate unless insecureTls is set, then measures the TLS handshake', async () => {
    await expect(h.run('performance', `${tls.url}/hello`, { runs: 1 })).rejects.toThrow(/TLS|certificate/i);
    const { result } = await h.run('performance', `${tls.url}/hello`, { runs: 1, insecureTls: true });
    expect(result.metrics.status_code).toBe(200);
    expect(result.metrics.tls_ms).toBeGreaterThan(0);
    expect(result.metrics.document_bytes).toBe(11);
  });

  it('reports the negotiated HTTP version', async () => {
    const h2 = await startH2FixtureServer();
    try {
      const two = await h.run('performance', `${h2.url}/hello`, { runs: 1, insecureTls: true });
      expect((two.result.details.document as { httpVersion: string }).httpVersion).toBe('2');
      expect(two.result.metrics.document_bytes).toBe(11);
      expect(two.result.findings.map((f) => f.title)).not.toContain('HTTP/2 is not used');
      const one = await h.run('performance', `${tls.url}/hello`, { runs: 1, insecureTls: true });
      expect((one.result.details.document as { httpVersion: string }).httpVersion).toBe('1.1');
      expect(one.result.findings.map((f) => f.title)).toContain('HTTP/2 is not used');
    } finally {
      await h2.close();
    }
  });

  it('caps a huge body at the response size cap', async () => {
    const { result } = await h.run('performance', `${server.url}/huge`, { runs: 1 });
    expect(result.metrics.document_bytes).toBe(1024 * 1024);
    expect((result.details.document as { truncated: boolean }).truncated).toBe(true);
  });

  it('reports a 500 as a critical finding', async () => {
    const { result } = await h.run('performance', `${server.url}/error`, { runs: 1 });
    expect(result.metrics.status_code).toBe(500);
    expect(result.findings[0]).toMatchObject({ severity: 'critical', title: 'The page answers 500' });
  });

  it('stops within 2 s of a cancel', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = h.run('performance', `${server.url}/slow?ms=20000`, { runs: 3 }, controller.signal);
    setTimeout(() => controller.abort(), 200);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(2200);
  });

  it('times out a slow page with the timeout it was given', async () => {
    await expect(
      h.run('performance', `${server.url}/slow?ms=5000`, { runs: 1, timeoutMs: 300 }),
    ).rejects.toThrow(/timed out/);
  });
});
