/**
 * Pages with known Web Vitals for the lighthouse engine's accuracy tests and benchmark, served on
 * 127.0.0.1 (random port). Each figure is set by the page itself, so the expected value is arithmetic:
 *
 * - /lcp: the largest element (a text block) is painted LCP_DELAY_MS after navigation start. The timer
 *   subtracts `performance.now()` (which counts from navigation start, as LCP does), so neither the server's
 *   answer nor parsing moves it; only the paint after the insertion adds a frame or two.
 * - /cls: SHIFT_PX of new content is inserted above a CONTENT_PX block spanning the viewport's width, once,
 *   after load: one layout shift of (CONTENT_PX + SHIFT_PX) / height × SHIFT_PX / max(width, height). No
 *   margin may collapse through the block to the body: the body would move too and widen the region.
 * - /tbt: LONG_TASKS busy loops of TASK_MS each, 100 ms apart, from 300 ms after load (after the first
 *   paint): TBT counts the part of each beyond 50 ms, LONG_TASKS × (TASK_MS − 50). Several tasks tell TBT
 *   apart from the longest task (max potential FID) and from the tasks' total duration.
 * - /hang: the document never finishes, so a run is still loading when a test cancels it.
 *
 * `?metadata` adds an image from the cloud metadata address, for the SSRF guard to refuse (only with a
 * guard that refuses it: with ALLOW_PRIVATE_TARGETS the browser would wait for that address to answer).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const LCP_DELAY_MS = 1200;
export const CONTENT_PX = 400;
export const SHIFT_PX = 282;
export const TASK_MS = 200;
export const LONG_TASKS = 4;
/** Lighthouse's desktop screen (constants.screenEmulationMetrics.desktop), which the tests run with. */
export const DESKTOP = { width: 1350, height: 940 };

/** The layout shift score of /cls on a `viewport`: impact fraction × distance fraction. */
export function expectedCls(viewport = DESKTOP): number {
  const impact = Math.min(CONTENT_PX + SHIFT_PX, viewport.height) / viewport.height;
  const distance = SHIFT_PX / Math.max(viewport.width, viewport.height);
  return impact * distance;
}

/** Total Blocking Time of /tbt: the part of each long task beyond 50 ms (4 × 150 = 600 ms). */
export const EXPECTED_TBT_MS = LONG_TASKS * (TASK_MS - 50);
/**
 * How far a measured TBT may be from EXPECTED_TBT_MS: 100 ms below, 150 ms above, because a busy machine
 * only adds blocking (parsing or layout stretched past 50 ms) while the loops end on the clock. Both bounds
 * still exclude the figures a wrong mapping would give: the longest task (200 ms, max potential FID) and
 * the tasks' whole duration (800 ms).
 */
export const TBT_TOLERANCE = { below: 100, above: 150 };

const page = (title: string, body: string, script = '') =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="A fixture page of the lighthouse engine's tests.">
<style>body{margin:0;font-family:sans-serif}</style></head>
<body>${body}<script>${script}</script></body></html>`;

const PAGES: Record<string, string> = {
  '/': page('Fixture', '<main><h1>Fixture</h1><p>A small page.</p></main>'),
  '/lcp': page(
    'LCP',
    '<p id="first">First paint.</p>',
    `setTimeout(() => {
      const d = document.createElement('div');
      d.id = 'largest';
      d.style.cssText = 'width:900px;font-size:32px;line-height:40px';
      d.textContent = 'The largest text block of this page. '.repeat(30);
      document.body.append(d);
    }, ${LCP_DELAY_MS} - performance.now());`,
  ),
  '/cls': page(
    'CLS',
    `<div id="content" style="height:${CONTENT_PX}px;background:#ddd"><p style="margin:0">Content that gets pushed down.</p></div>`,
    `addEventListener('load', () => setTimeout(() => {
      const banner = document.createElement('div');
      banner.style.cssText = 'height:${SHIFT_PX}px;background:#fcc';
      document.body.prepend(banner);
    }, 500));`,
  ),
  '/tbt': page(
    'TBT',
    '<main><h1>Long task</h1><p>The main thread is busy for a while after load.</p></main>',
    `const busy = (left) => {
      const end = performance.now() + ${TASK_MS};
      while (performance.now() < end);
      if (left > 1) setTimeout(() => busy(left - 1), 100);
    };
    addEventListener('load', () => setTimeout(() => busy(${LONG_TASKS}), 300));`,
  ),
};

export const METADATA_URL = 'http://169.254.169.254/latest/meta-data/logo.png';
const METADATA_IMAGE = `<img src="${METADATA_URL}" alt="" width="1" height="1">`;

export interface LighthouseFixture {
  url: string;
  /** Requests /hang received. */
  hangs(): number;
  close(): Promise<void>;
}

export async function startLighthouseFixture(): Promise<LighthouseFixture> {
  const sockets = new Set<Socket>();
  let hangs = 0;
  const server = http.createServer((req, res) => {
    const [path = '/', query] = (req.url ?? '/').split('?');
    if (path === '/hang') {
      hangs++;
      // Headers and the start of a body, then nothing: the load never ends.
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<!doctype html><html><head><title>Hang</title></head><body><p>Loading');
      return;
    }
    const body = PAGES[path]?.replace('<body>', query === 'metadata' ? `<body>${METADATA_IMAGE}` : '<body>');
    if (!body) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hangs: () => hangs,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
