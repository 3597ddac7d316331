import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import { buildApp } from '../../src/app.ts';
import type { DatabaseConfig } from '../../src/config/index.ts';
import type { TestEngine } from '../../src/engines/engine.ts';
import { testConfig, type TestUser } from '../support/app.ts';
import type { TestClock } from '../support/clock.ts';
import { waitFor } from '../support/wait.ts';

/** A PNG signature followed by random (incompressible) bytes: `bytes` long in all. */
export function pngOf(bytes: number): Buffer {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([sig, randomBytes(Math.max(0, bytes - sig.length))]);
}

export const DEMO = {
  png: pngOf(3000),
  html: Buffer.from(
    `<!doctype html><title>report</title><script>document.title='x'</script>${'<p>audit row</p>'.repeat(2000)}`,
  ),
  json: Buffer.from(JSON.stringify({ audits: Array.from({ length: 200 }, (_, i) => ({ id: i, ok: true })) })),
};

const failures = new Map<string, number>();

/**
 * Test only: returns files. Without `pngs`, the demo set (a screenshot, an HTML report, a JSON file);
 * with `pngs`, PNGs of those names and sizes (and names the store refuses). `failFirst` fails the first run
 * for each URL (the queue retries it).
 */
export const artifactEngine: TestEngine = {
  name: 'artifacts-demo',
  description: 'test only: returns files',
  options: Type.Object(
    {
      pngs: Type.Optional(Type.Array(Type.Object({ name: Type.String(), bytes: Type.Integer() }))),
      failFirst: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  async run({ url, options }) {
    const { pngs, failFirst } = options as { pngs?: { name: string; bytes: number }[]; failFirst?: boolean };
    const seen = failures.get(url) ?? 0;
    failures.set(url, seen + 1);
    if (failFirst && seen === 0) throw new Error('first run fails');
    const artifacts = pngs
      ? pngs.map((p) => ({ name: p.name, contentType: 'image/png', data: pngOf(p.bytes) }))
      : [
          { name: 'screenshot.png', contentType: 'image/png', data: DEMO.png, label: 'Screenshot' },
          { name: 'report.html', contentType: 'text/html; charset=utf-8', data: DEMO.html, label: 'Report' },
          { name: 'report.json', contentType: 'application/json', data: DEMO.json },
        ];
    return {
      passed: true,
      summary: 'made files',
      metrics: { files: artifacts.length },
      findings: [],
      details: {},
      artifacts,
    };
  },
};

export async function buildArtifactApp(
  env: Record<string, string>,
  database: DatabaseConfig,
  clock: TestClock,
  opts: { worker?: boolean } = {},
): Promise<FastifyInstance> {
  const app = await buildApp({
    config: testConfig(env, database),
    extraEngines: [artifactEngine],
    artifactsClock: clock.now,
    worker: opts.worker ?? true,
  });
  await app.ready();
  return app;
}

/** Submits an artifacts-demo test and waits for it to complete; returns its id. */
export async function runArtifactTest(
  app: FastifyInstance,
  user: TestUser,
  options: object = {},
): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/tests',
    headers: user.auth,
    payload: { type: 'artifacts-demo', url: `http://127.0.0.1:9/${randomBytes(4).toString('hex')}`, options },
  });
  if (res.statusCode !== 202) throw new Error(`submit failed: ${res.statusCode} ${res.body}`);
  const { testId } = res.json<{ testId: string }>();
  const status = await waitFor(
    async () => {
      const v = (await app.inject({ method: 'GET', url: `/api/tests/${testId}`, headers: user.auth })).json<{
        status: string;
      }>();
      return ['completed', 'failed', 'cancelled'].includes(v.status) ? v.status : undefined;
    },
    20_000,
    `test ${testId} to finish`,
  );
  if (status !== 'completed') throw new Error(`test ${testId} ended ${status}`);
  return testId;
}

export interface ArtifactItem {
  name: string;
  contentType: string;
  size: number;
  label: string | null;
  createdAt: string;
  url: string;
  expiresAt: string;
}

export async function listArtifacts(app: FastifyInstance, user: TestUser, testId: string) {
  const res = await app.inject({ method: 'GET', url: `/api/tests/${testId}/artifacts`, headers: user.auth });
  return { res, items: res.statusCode === 200 ? res.json<{ items: ArtifactItem[] }>().items : [] };
}
