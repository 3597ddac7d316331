import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { gunzipSync } from 'node:zlib';
import { registerUser, type TestUser } from '../support/app.ts';
import { testClock } from '../support/clock.ts';
import { cleanRedis, QUEUE_MODES, queueEnv } from '../queue/support/queue-app.ts';
import { buildArtifactApp, DEMO, listArtifacts, runArtifactTest, type ArtifactItem } from './artifact-app.ts';

const SANDBOX = "sandbox allow-scripts allow-popups; default-src 'none'";

describe.each(QUEUE_MODES)('result artifacts ($name)', ({ driver, database }) => {
  let app: FastifyInstance;
  let drop: () => Promise<void>;
  let alice: TestUser;
  let bob: TestUser;
  let testId: string;
  let items: ArtifactItem[];
  const clock = testClock();
  const env = queueEnv(driver);
  const byName = (name: string) => items.find((i) => i.name === name)!;
  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    const db = await database.create();
    drop = db.drop;
    app = await buildArtifactApp(env, db.config, clock);
    await registerUser(app); // the first account is an admin
    alice = await registerUser(app);
    bob = await registerUser(app);
    testId = await runArtifactTest(app, alice);
    items = (await listArtifacts(app, alice, testId)).items;
  });

  afterAll(async () => {
    await app?.close();
    await drop?.();
    await cleanRedis(env);
  });

  it('lists the files the engine returned with their sizes, types, labels and signed links', () => {
    expect(items.map(({ name, contentType, size, label }) => ({ name, contentType, size, label }))).toEqual([
      {
        name: 'report.html',
        contentType: 'text/html; charset=utf-8',
        size: DEMO.html.length,
        label: 'Report',
      },
      { name: 'report.json', contentType: 'application/json', size: DEMO.json.length, label: null },
      { name: 'screenshot.png', contentType: 'image/png', size: DEMO.png.length, label: 'Screenshot' },
    ]);
    for (const item of items)
      expect(item.url).toMatch(
        new RegExp(`^/api/tests/${testId}/artifacts/${item.name}\\?expires=\\d+&sig=[\\w-]+$`),
      );
  });

  it('keeps the bytes out of the result', async () => {
    const res = await get(`/api/tests/${testId}/result`, alice.auth);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('"artifacts"');
    expect(res.body).not.toContain('audit row');
    expect(res.body.length).toBeLessThan(2000);
  });

  it('serves a file to its owner with a Bearer token, with the headers of a download', async () => {
    const res = await get(`/api/tests/${testId}/artifacts/screenshot.png`, alice.auth);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(DEMO.png)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'image/png',
      'content-disposition': 'inline; filename="screenshot.png"',
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=0',
    });
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await get(`/api/tests/${testId}/artifacts/screenshot.png`, {
      ...alice.auth,
      'if-none-match': String(res.headers.etag),
    });
    expect(again.statusCode).toBe(304);
    const head = await app.inject({ method: 'HEAD', url: byName('screenshot.png').url });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('serves a file to an API token with tests:read, and not to one without it', async () => {
    const mint = async (scopes: string[]) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/tokens',
        headers: alice.auth,
        payload: { name: `ci-${scopes.join('-') || 'none'}`, scopes },
      });
      expect(res.statusCode, res.body).toBe(201);
      return { authorization: `Bearer ${res.json<{ token: string }>().token}` };
    };
    const reader = await mint(['tests:read']);
    const res = await get(`/api/tests/${testId}/artifacts/report.json`, reader);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(DEMO.json)).toBe(true);
    expect((await get(`/api/tests/${testId}/artifacts`, reader)).statusCode).toBe(200);
    const writer = await mint(['tests:write']);
    expect((await get(`/api/tests/${testId}/artifacts/report.json`, writer)).statusCode).toBe(403);
  });

  it('serves a file by its signed link without any Authorization header', async () => {
    const res = await get(byName('screenshot.png').url);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(DEMO.png)).toBe(true);
    const maxAge = Number(/max-age=(\d+)/.exec(String(res.headers['cache-control']))?.[1]);
    expect(maxAge).toBeGreaterThan(800);
    expect(maxAge).toBeLessThanOrEqual(900);
  });

  it('round-trips gzip-stored text with and without Accept-Encoding: gzip', async () => {
    const zipped = await get(byName('report.html').url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.rawPayload).equals(DEMO.html)).toBe(true);
    const plain = await get(byName('report.html').url, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(DEMO.html)).toBe(true);
    const json = await get(byName('report.json').url);
    expect(json.rawPayload.equals(DEMO.json)).toBe(true);
    expect(json.headers['content-disposition']).toBe('attachment; filename="report.json"');
  });

  it('serves an HTML report in a sandbox: its scripts run in an opaque origin', async () => {
    const res = await get(byName('report.html').url);
    expect(res.headers['content-security-policy']).toContain(SANDBOX);
    expect(res.headers['content-disposition']).toBe('inline; filename="report.html"');
  });

  it('refuses a tampered, misdirected or expired link with a 401 that says why', async () => {
    const link = byName('screenshot.png').url;
    const sig = /sig=([\w-]+)/.exec(link)![1]!;
    const flipped = sig.startsWith('A') ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
    const other = await runArtifactTest(app, alice);
    const misdirected = [
      link.replace(sig, flipped),
      link.replace('screenshot.png', 'report.json'),
      link.replace(testId, other),
      link.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 3600}`),
    ];
    for (const url of misdirected) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'ERR_ARTIFACT_LINK_INVALID' });
    }
    clock.offsetMs = 16 * 60_000;
    try {
      const expired = await get(link);
      expect(expired.statusCode).toBe(401);
      expect(expired.json()).toMatchObject({ code: 'ERR_ARTIFACT_LINK_EXPIRED' });
      expect(expired.json<{ detail: string }>().detail).toContain('expired');
    } finally {
      clock.offsetMs = 0;
    }
    const bare = await get(`/api/tests/${testId}/artifacts/screenshot.png`);
    expect(bare.statusCode).toBe(401);
  });

  it("answers 404 for another user's test and file, and for a test that does not exist", async () => {
    expect((await listArtifacts(app, bob, testId)).res.statusCode).toBe(404);
    const file = await get(`/api/tests/${testId}/artifacts/screenshot.png`, bob.auth);
    expect(file.statusCode).toBe(404);
    expect(file.headers['content-type']).toContain('application/problem+json');
    const unknown = await listArtifacts(app, alice, '00000000-0000-4000-8000-000000000000');
    expect(unknown.res.statusCode).toBe(404);
    expect((await get(`/api/tests/${testId}/artifacts/missing.png`, alice.auth)).statusCode).toBe(404);
    expect((await get(`/api/tests/${testId}/artifacts/Bad%20Name`, alice.auth)).statusCode).toBe(400);
  });

  it('keeps one copy of the files of a test that failed once and was retried', async () => {
    const retried = await runArtifactTest(app, alice, { failFirst: true });
    const view = (await get(`/api/tests/${retried}`, alice.auth)).json<{ attempts: number }>();
    expect(view.attempts).toBe(2);
    const list = await listArtifacts(app, alice, retried);
    expect(list.items.map((i) => i.name)).toEqual(['report.html', 'report.json', 'screenshot.png']);
  });
});
