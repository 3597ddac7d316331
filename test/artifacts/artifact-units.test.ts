import { describe, expect, it } from 'vitest';
import { acceptsGzip } from '../../src/modules/test-runs/artifacts.service.ts';
import { createArtifactLinks } from '../../src/modules/test-runs/artifact-links.ts';
import { prepareArtifacts } from '../../src/modules/test-runs/artifact-prep.ts';

describe('Accept-Encoding', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['*', true],
    ['gzip;q=0', false],
    ['identity', false],
    ['br, deflate', false],
    [undefined, false],
  ])('%s admits gzip: %s', (header, expected) => expect(acceptsGzip(header)).toBe(expected));
});

describe('signed artifact links', () => {
  const now = { ms: 1_800_000_000_000 };
  const links = createArtifactLinks({ secret: 'x'.repeat(40), ttlMs: 15 * 60_000, now: () => now.ms });
  const parse = (path: string) => {
    const u = new URL(path, 'http://h');
    return { expires: Number(u.searchParams.get('expires')), sig: u.searchParams.get('sig')! };
  };

  it('holds for exactly its test, name and expiry, until it expires', () => {
    const { expires, sig } = parse(links.sign('t1', 'a.png').path);
    expect(expires).toBe(1_800_000_000 + 900);
    expect(links.verify('t1', 'a.png', expires, sig)).toBe('valid');
    expect(links.verify('t2', 'a.png', expires, sig)).toBe('invalid');
    expect(links.verify('t1', 'b.png', expires, sig)).toBe('invalid');
    expect(links.verify('t1', 'a.png', expires + 1, sig)).toBe('invalid');
    expect(links.verify('t1', 'a.png', expires, '')).toBe('invalid');
    now.ms += 900_000;
    expect(links.verify('t1', 'a.png', expires, sig)).toBe('expired');
  });

  it('is not valid under another secret', () => {
    const { expires, sig } = parse(links.sign('t1', 'a.png').path);
    const other = createArtifactLinks({ secret: 'y'.repeat(40), ttlMs: 60_000, now: () => now.ms });
    expect(other.verify('t1', 'a.png', expires, sig)).toBe('invalid');
  });
});

describe('preparing artifacts', () => {
  it('gzips text, keeps images as they are, and refuses what breaks the rules', async () => {
    const html = Buffer.from('<p>row</p>'.repeat(500));
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const files = [
      { name: 'r.html', contentType: 'text/html', data: html },
      { name: 's.png', contentType: 'image/png', data: png },
      { name: 's.png', contentType: 'image/png', data: png },
      { name: '../etc', contentType: 'text/plain', data: png },
      { name: 'x.txt', contentType: 'text/plain\r\nSet-Cookie: a=b', data: png },
      ...Array.from({ length: 50 }, (_, i) => ({ name: `f${i}.png`, contentType: 'image/png', data: png })),
    ];
    const { kept, dropped } = await prepareArtifacts(files, 1_000_000);
    expect(kept[0]).toMatchObject({ name: 'r.html', encoding: 'gzip', size: html.length });
    expect(kept[0]!.storedSize).toBeLessThan(html.length / 10);
    expect(kept[1]).toMatchObject({ name: 's.png', encoding: 'identity', size: 4, storedSize: 4 });
    expect(kept).toHaveLength(47);
    expect(dropped.map((d) => d.reason)).toEqual([
      'duplicate name',
      expect.stringContaining('invalid name'),
      'invalid content type',
      'more than 50 artifacts',
      'more than 50 artifacts',
      'more than 50 artifacts',
      'more than 50 artifacts',
      'more than 50 artifacts',
    ]);
  });
});
