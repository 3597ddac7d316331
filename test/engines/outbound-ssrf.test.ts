import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetryableError } from '../../src/engines/index.ts';
import { blockedAddressReason, createOutboundClient, TargetRefusedError } from '../../src/shared/outbound/index.ts';
import { startFixtureServer, type FixtureServer } from '../fixtures/target-server.fixture.ts';
import { engineHarness } from './engine-harness.ts';

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

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1'])('allows the public address %s', (ip) => {
    expect(blockedAddressReason(ip)).toBeNull();
  });

  it.each(['performance', 'stress', 'api'])('refuses a loopback target for %s before sending anything', async (type) => {
    const before = server.total();
    const run = guarded.run(type, `${server.url}/hello`, {});
    await expect(run).rejects.toBeInstanceOf(NonRetryableError);
    await expect(run).rejects.toMatchObject({ code: 'ERR_TARGET_REFUSED', message: expect.stringMatching(/127\.0\.0\.1 is a loopback address/) });
    expect(server.total()).toBe(before);
  });

  it('checks the address a name resolves to', async () => {
    await expect(guarded.run('api', `http://localhost:${server.port}/hello`, {})).rejects.toMatchObject({ code: 'ERR_TARGET_REFUSED', message: expect.stringMatching(/localhost resolves to/) });
  });

  it('checks the resolved address again at connect time', async () => {
    const client = createOutboundClient({ allowPrivateTargets: false, timeoutMs: 2000, maxResponseBytes: 1024, maxRedirects: 3, userAgent: 'test' });
    try {
      await expect(client.request(`http://localhost:${server.port}/hello`)).rejects.toBeInstanceOf(TargetRefusedError);
    } finally {
      await client.close();
    }
  });

  it('refuses a redirect to a private address', async () => {
    const to = encodeURIComponent(`${internal.url}/hello`);
    const run = onePublic.run('performance', `${server.url}/redirect?to=${to}`, { runs: 1 });
    await expect(run).rejects.toMatchObject({ code: 'ERR_TARGET_REFUSED', message: expect.stringMatching(/127\.0\.0\.2 is a loopback address/) });
    expect(server.hits.get('/redirect')).toBeGreaterThanOrEqual(1);
    expect(internal.total()).toBe(0);
    const api = onePublic.run('api', `${server.url}/redirect?to=${to}`, {});
    await expect(api).rejects.toMatchObject({ code: 'ERR_TARGET_REFUSED' });
    expect(internal.total()).toBe(0);
  });

  it('allows the same redirect when private targets are allowed', async () => {
    const open = engineHarness({ allowPrivateTargets: true });
    try {
      const { result } = await open.run('api', `${server.url}/redirect?to=${encodeURIComponent(`${internal.url}/hello`)}`, { assertions: [{ source: 'body', comparison: 'equals', target: 'hello world' }] });
      expect(result.passed).toBe(true);
      expect(internal.hits.get('/hello')).toBe(1);
    } finally {
      await open.close();
    }
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/', 'not a url', 'http://user:pw@example.com/'])('refuses %s as a target', async (url) => {
    await expect(guarded.run('api', url, {})).rejects.toBeInstanceOf(NonRetryableError);
  });
});
