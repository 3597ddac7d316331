import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient } from '../../src/shared/outbound/index.ts';
import { MiB, startEngineFixture, type EngineFixture } from './engine-fixtures.ts';
import { engineHarness } from './engine-harness.ts';

interface StepOut {
  status: number;
  bytes: number;
  truncated: boolean;
  bodyPreview: string;
}

const stepOf = (details: Record<string, unknown>) => (details.steps as StepOut[])[0]!;

describe('outbound client: response size cap', () => {
  let server: EngineFixture;
  // OUTBOUND_MAX_RESPONSE_BYTES as the engines get it.
  const h = engineHarness({ maxResponseBytes: MiB });

  beforeAll(async () => {
    server = await startEngineFixture();
  });
  afterAll(async () => {
    await h.close();
    await server.close();
  });

  it('cuts a gzip bomb (100 MiB of zeros in ~100 KiB) at the cap after decompression and says it was truncated', async () => {
    const { result } = await h.run('api', `${server.url}/bomb?members=100`, {
      assertions: [{ source: 'status', comparison: 'equals', target: 200 }],
    });
    expect(stepOf(result.details)).toMatchObject({ status: 200, bytes: MiB, truncated: true });
    expect(result.metrics.response_bytes).toBe(MiB);
    expect(result.passed).toBe(true);
  });

  it('keeps the decoded bytes up to the cap, not an empty body', async () => {
    const client = createOutboundClient({
      allowPrivateTargets: true,
      timeoutMs: 10_000,
      maxResponseBytes: MiB,
      maxRedirects: 0,
      userAgent: 'test',
    });
    try {
      const res = await client.request(`${server.url}/bomb?members=100`);
      expect(res.body.length).toBe(MiB);
      expect(res.body.equals(Buffer.alloc(MiB))).toBe(true);
      expect(res.truncated).toBe(true);
      expect(res.decodeError).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('stops reading a bomb of 100 GiB (~100 MB compressed) once the cap is reached, and hangs up', async () => {
    const before = server.bombs.length;
    const { result } = await h.run('performance', `${server.url}/bomb?members=100000`, {
      runs: 1,
      fetchResources: false,
    });
    expect(result.metrics.document_bytes).toBe(MiB);
    expect((result.details.document as { truncated: boolean }).truncated).toBe(true);
    // Decoding stopped the reading: a few chunks came off the wire, not the compressed cap (also 1 MiB).
    expect(result.metrics.document_transfer_bytes).toBeLessThan(MiB / 2);
    const stats = server.bombs[before]!;
    await stats.closed;
    expect(stats.finished).toBe(false);
    // Whatever the socket buffers took before the hang-up, it is a small part of the body.
    expect(stats.written).toBeLessThan(stats.total / 4);
  });

  it('reads a body of exactly the cap as whole', async () => {
    const client = createOutboundClient({
      allowPrivateTargets: true,
      timeoutMs: 10_000,
      maxResponseBytes: MiB,
      maxRedirects: 0,
      userAgent: 'test',
    });
    try {
      const res = await client.request(`${server.url}/bomb?members=1`);
      expect(res.body.length).toBe(MiB);
      expect(res.truncated).toBe(false);
    } finally {
      await client.close();
    }
  });
});

describe('outbound client: credentials on redirects', () => {
  let origin: EngineFixture;
  let otherPort: EngineFixture;
  let otherHost: EngineFixture;
  const h = engineHarness();
  const secrets = {
    Authorization: 'Bearer secret-token',
    Cookie: 'session=abc',
    'Proxy-Authorization': 'Basic cHJveHk6cHc=',
    'X-Trace': 'kept',
  };

  beforeAll(async () => {
    origin = await startEngineFixture('127.0.0.1');
    otherPort = await startEngineFixture('127.0.0.1');
    otherHost = await startEngineFixture('127.0.0.2');
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([origin.close(), otherPort.close(), otherHost.close()]);
  });

  const echoedAfterRedirect = async (to: string): Promise<Record<string, string>> => {
    const { result } = await h.run('api', `${origin.url}/redirect?to=${encodeURIComponent(to)}`, {
      headers: secrets,
      assertions: [{ source: 'status', comparison: 'equals', target: 200 }],
    });
    expect(result.passed).toBe(true);
    return JSON.parse(stepOf(result.details).bodyPreview) as Record<string, string>;
  };

  it('keeps them on a same-origin redirect', async () => {
    const echoed = await echoedAfterRedirect('/echo');
    expect(echoed).toMatchObject({
      authorization: 'Bearer secret-token',
      cookie: 'session=abc',
      'proxy-authorization': 'Basic cHJveHk6cHc=',
      'x-trace': 'kept',
    });
  });

  it.each([
    ['another port of the same host', () => `${otherPort.url}/echo`],
    ['another host', () => `${otherHost.url}/echo`],
  ])('drops Authorization, Cookie and Proxy-Authorization on a redirect to %s', async (_what, target) => {
    const echoed = await echoedAfterRedirect(target());
    expect(echoed['x-trace']).toBe('kept');
    expect(echoed).not.toHaveProperty('authorization');
    expect(echoed).not.toHaveProperty('cookie');
    expect(echoed).not.toHaveProperty('proxy-authorization');
  });
});
