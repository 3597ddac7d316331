/**
 * The website engine's fixtures: a loopback page with one known accessibility defect (an image without
 * alt), a page that never answers, and test-only part engines (fixed, throwing, hanging until cancel).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Type } from 'typebox';
import type { EngineResult, Finding, TestEngine } from '../../src/engines/index.ts';

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fixture shop</title>
<meta name="viewport" content="width=device-width"></head>
<body><main><h1>Fixture shop</h1><p>Things for sale.</p><img src="/pixel.png"></main></body></html>`;
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

export interface WebsiteFixture {
  url: string;
  /** Requests of /hang received so far. */
  hangs(): number;
  close(): Promise<void>;
}

export async function startWebsiteFixture(): Promise<WebsiteFixture> {
  let hangs = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/hang') return void hangs++;
    if (req.url === '/pixel.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(PIXEL);
    if (req.url === '/favicon.ico') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hangs: () => hangs,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const NoOptions = Type.Object({}, { additionalProperties: false });
const finding = (severity: Finding['severity'], title: string): Finding => ({
  severity,
  title,
  detail: `${title} (detail)`,
  recommendation: 'Fix it',
});

/** A part engine with a known score, findings, one file, and progress at 0, 50 and 100. */
export function fixedEngine(
  name: string,
  score: number,
  severities: Finding['severity'][],
): TestEngine & {
  calls: () => number;
} {
  let calls = 0;
  return {
    name,
    description: `test-only part ${name}`,
    options: NoOptions,
    calls: () => calls,
    async run(ctx): Promise<EngineResult> {
      calls++;
      for (const p of [0, 50, 100]) ctx.progress(p, `step ${p}`);
      return {
        score,
        summary: `${name} ${score}`,
        metrics: { score },
        findings: severities.map((s, i) => finding(s, `${name} finding ${i}`)),
        details: { name },
        artifacts: [{ name: 'note.txt', contentType: 'text/plain', data: Buffer.from(name) }],
      };
    },
  };
}

/** A part engine that throws. */
export function throwingEngine(name: string, message: string): TestEngine {
  return {
    name,
    description: `test-only part ${name} that throws`,
    options: NoOptions,
    run: () => Promise.reject(new Error(message)),
  };
}

/**
 * A part engine that runs until cancelled and then throws an error of its own (as a browser part does
 * when Chromium is killed under it: "Target closed"), which the website engine must not take for a part
 * failure.
 */
export function hangingEngine(name: string): TestEngine & { started: () => boolean } {
  let started = false;
  return {
    name,
    description: `test-only part ${name} that waits for a cancel`,
    options: NoOptions,
    started: () => started,
    run: (ctx) =>
      new Promise((_resolve, reject) => {
        started = true;
        ctx.signal.addEventListener('abort', () => reject(new Error('Target closed')), { once: true });
      }),
  };
}
