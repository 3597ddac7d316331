import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineRegistry, ENGINES, NonRetryableError } from '../../src/engines/index.ts';
import { stressEngine } from '../../src/engines/stress/stress.engine.ts';
import {
  blockedAddressReason,
  createOutboundClient,
  TargetRefusedError,
} from '../../src/shared/outbound/index.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/target-server.fixture.ts';
import { engineHarness, silentLog } from './engine-harness.ts';

const registry = createEngineRegistry(ENGINES);

describe('SSRF guard', () => {
  let server: FixtureServer;
  let internal: FixtureServer;
  const guarded = engineHarness({ allowPrivateTargets: false });
  // Treats the fixture's address as public so that only the redirect target is private.
  const onePublic = engineHarness({ allowPrivateTargets: false, publicAddresses: ['127.0.0.1'] });

  beforeAll(async () => {
    server = await startFixtureServer('127.0.0.1');
    internal = await startFixtureServer('127.0.0.2');
  });
  afterAll(async () => {
    await Promise.all([guarded.close(), onePublic.close(), server.close(), internal.close()]);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local / cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['fd12:3456::1', 'unique local (private)'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['[::ffff:10.0.0.1]', 'private'],
  ])('refuses %s (%s)', (ip, reason) => {
    expect(blockedAddressReason(ip)).toBe(reason);
  });

  it.each([
    ['::127.0.0.1', 'loopback (IPv4-compatible ::/96, embedding 127.0.0.1)'],
    ['::a00:1', 'private (IPv4-compatible ::/96, embedding 10.0.0.1)'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local / cloud metadata (NAT64 64:ff9b::/96, embedding 169.254.169.254)'],
    ['64:ff9b::127.0.0.1', 'loopback (NAT64 64:ff9b::/96, embedding 127.0.0.1)'],
    ['64:ff9b:1:7f00:0:100::', 'loopback (local-use NAT64 64:ff9b:1::/48, embedding 127.0.0.1)'],
    ['64:ff9b:1::c0a8:101', 'private (local-use NAT64 64:ff9b:1::/48, embedding 192.168.1.1)'],
    ['64:ff9b:1::', 'unspecified (local-use NAT64 64:ff9b:1::/48, embedding 0.0.0.0)'],
    ['2002:7f00:1::', 'loopback (6to4 2002::/16, embedding 127.0.0.1)'],
    ['2002:a9fe:a9fe::1', 'link-local / cloud metadata (6to4 2002::/16, embedding 169.254.169.254)'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback (Teredo 2001::/32, embedding 127.0.0.1)'],
    ['2001:db8:1::5efe:a00:1', 'private (ISATAP, embedding 10.0.0.1)'],
  ])('refuses %s, which embeds a refused IPv4 address (%s)', (ip, reason) => {
    expect(blockedAddressReason(ip)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '2606:4700:4700::1111',
    '172.32.0.1',
    '64:ff9b::808:808',
    '2002:808:808::1',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
    '64:ff9b:1::808:808',
  ])('allows the public address %s', (ip) => {
    expect(blockedAddressReason(ip)).toBeNull();
  });

  it.each(['performance', 'stress', 'api'])(
    'refuses a loopback target for %s before sending anything',
    async (type) => {
      const before = server.total();
      const run = guarded.run(type, `${server.url}/hello`, {});
      await expect(run).rejects.toBeInstanceOf(NonRetryableError);
      await expect(run).rejects.toMatchObject({
        code: 'ERR_TARGET_REFUSED',
        message: expect.stringMatching(/127\.0\.0\.1 is a loopback address/),
      });
      expect(server.total()).toBe(before);
    },
  );

  it('checks the address a name resolves to', async () => {
    await expect(guarded.run('api', `http://localhost:${server.port}/hello`, {})).rejects.toMatchObject({
      code: 'ERR_TARGET_REFUSED',
      message: expect.stringMatching(/localhost resolves to/),
    });
  });

  it('checks the resolved address again at connect time', async () => {
    const client = createOutboundClient({
      allowPrivateTargets: false,
      timeoutMs: 2000,
      maxResponseBytes: 1024,
      maxRedirects: 3,
      userAgent: 'test',
    });
    try {
      await expect(client.request(`http://localhost:${server.port}/hello`)).rejects.toBeInstanceOf(
        TargetRefusedError,
      );
    } finally {
      await client.close();
    }
  });

  it.each([
    ['performance', { runs: 1 }],
    ['api', {}],
  ])('%s refuses a redirect to a private address and never reaches it', async (type, options) => {
    const to = encodeURIComponent(`${internal.url}/hello`);
    const before = server.hits.get('/redirect') ?? 0;
    const run = onePublic.run(type, `${server.url}/redirect?to=${to}`, options);
    await expect(run).rejects.toMatchObject({
      code: 'ERR_TARGET_REFUSED',
      message: expect.stringMatching(/127\.0\.0\.2 is a loopback address/),
    });
    expect(server.hits.get('/redirect')).toBe(before + 1);
    expect(internal.total()).toBe(0);
  });

  it('stress does not follow a redirect to a private address: it measures the redirect itself', async () => {
    const to = encodeURIComponent(`${internal.url}/hello`);
    const before = server.hits.get('/redirect') ?? 0;
    const { result } = await onePublic.run('stress', `${server.url}/redirect?to=${to}`, {
      vus: 2,
      duration: 1,
    });
    const redirects = (server.hits.get('/redirect') ?? 0) - before;
    expect(redirects).toBeGreaterThan(0);
    expect(result.details.statusCodes).toEqual({ 302: redirects });
    expect(result.findings.map((f) => f.title)).toContain(
      `${redirects} responses were redirects (302), not followed`,
    );
    expect(internal.total()).toBe(0);
  });

  it('stress checks the address again in its worker threads, where the check before the run cannot help', async () => {
    // The engine run directly, without the runner's check first, stands for an address that changed
    // after it (DNS rebinding): the worker's own guard must refuse it, and the target sees nothing.
    const http = createOutboundClient({
      allowPrivateTargets: false,
      timeoutMs: 2000,
      maxResponseBytes: 1024,
      maxRedirects: 3,
      userAgent: 'test',
    });
    const before = server.total();
    const ctx = (url: string) => ({
      url,
      options: registry.validate('stress', { vus: 2, duration: 1 }),
      signal: new AbortController().signal,
      progress: () => undefined,
      http,
      log: silentLog,
    });
    try {
      await expect(stressEngine.run(ctx(`${server.url}/hello`) as never)).rejects.toThrow(
        /127\.0\.0\.1 is a loopback address/,
      );
      const { metrics } = await stressEngine.run(ctx(`http://localhost:${server.port}/hello`) as never);
      expect(metrics.requests_total).toBeGreaterThan(0);
      expect(metrics.errors_other).toBe(metrics.requests_total);
      expect(server.total()).toBe(before);
    } finally {
      await http.close();
    }
  });

  it('allows the same redirect when private targets are allowed', async () => {
    const open = engineHarness({ allowPrivateTargets: true });
    try {
      const { result } = await open.run(
        'api',
        `${server.url}/redirect?to=${encodeURIComponent(`${internal.url}/hello`)}`,
        { assertions: [{ source: 'body', comparison: 'equals', target: 'hello world' }] },
      );
      expect(result.passed).toBe(true);
      expect(internal.hits.get('/hello')).toBe(1);
    } finally {
      await open.close();
    }
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/', 'not a url', 'http://user:pw@example.com/'])(
    'refuses %s as a target',
    async (url) => {
      await expect(guarded.run('api', url, {})).rejects.toBeInstanceOf(NonRetryableError);
    },
  );
});
