/**
 * Pages with known accessibility problems for the accessibility engine's tests and benchmark, served on
 * 127.0.0.1 (random port). KNOWN lists what axe-core must find on /violations, rule by rule.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Each known violation of /violations: the axe-core rule, its impact and the element's selector. */
export const KNOWN = [
  { id: 'image-alt', impact: 'critical', target: '#logo', what: 'an image without alt' },
  { id: 'color-contrast', impact: 'serious', target: '#faint', what: 'low-contrast text' },
  { id: 'label', impact: 'critical', target: '#email', what: 'an input without a label' },
  { id: 'button-name', impact: 'critical', target: '#go', what: 'a button without an accessible name' },
  { id: 'html-has-lang', impact: 'serious', target: 'html', what: 'no lang on <html>' },
  { id: 'link-name', impact: 'serious', target: '#late-link', what: 'an empty link inserted after load' },
  // A best-practice rule: reported under the 'best-practice' standard only.
  { id: 'region', impact: 'moderate', target: '#stray', what: 'content outside landmarks' },
] as const;

const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII=',
  'base64',
);

// The empty link arrives after `load`, from a fetch answered 1.5 s later: found only when the page's
// scripts ran and the engine waited for the network to be idle.
const VIOLATIONS = `<!doctype html><html><head><meta charset="utf-8"><title>Known violations</title></head>
<body>
<div id="stray">This sentence is outside every landmark.</div>
<main>
  <h1>Known violations</h1>
  <img id="logo" src="/pixel.png">
  <p id="faint" style="color:#c8c8c8;background:#ffffff">Faint text nobody can read.</p>
  <form id="signup"><input id="email" type="text"> <button id="go" type="submit"></button></form>
  <div id="late-area"></div>
</main>
<script>
  window.addEventListener('load', () => {
    fetch('/late.json').then((r) => r.json()).then((d) => {
      const a = document.createElement('a');
      a.id = 'late-link';
      a.href = d.href;
      document.getElementById('late-area').append(a);
    });
  });
</script>
</body></html>`;

const ACCESSIBLE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>An accessible page</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header><p>Site name</p></header>
<main>
  <h1>An accessible page</h1>
  <img src="/pixel.png" alt="A white dot">
  <p style="color:#222;background:#fff">Readable text.</p>
  <form><label for="email">E-mail</label> <input id="email" type="email"> <button type="submit">Subscribe</button></form>
  <p><a href="/more">More about us</a></p>
</main>
<footer><p>Footer text</p></footer>
</body></html>`;

// A button with no name appears 2.5 s after load without any request: only waitFor finds it.
const SLOW_WIDGET = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Slow widget</title></head>
<body><main><h1>Slow widget</h1><div id="slot"></div></main>
<script>
  window.addEventListener('load', () => setTimeout(() => {
    const b = document.createElement('button');
    b.id = 'slow-button';
    document.getElementById('slot').append(b);
  }, 2500));
</script></body></html>`;

// An accessible page that also asks the cloud metadata address for an image: the guard must refuse it.
const LEAKY = ACCESSIBLE.replace(
  '</main>',
  '<img src="http://169.254.169.254/latest/meta-data/logo.png" alt="Metadata"></main>',
);

export interface A11yFixture {
  url: string;
  /** Requests to /hang received so far (the cancel test waits for one). */
  hangs(): number;
  close(): Promise<void>;
}

/**
 * Serves /violations, /accessible, /slow-widget, /leaky, /pixel.png, /late.json,
 * /to-metadata (a redirect to the cloud metadata address) and /hang (never answers).
 */
export async function startA11yFixture(): Promise<A11yFixture> {
  let hangs = 0;
  const server = http.createServer((req, res) => {
    const html = (body: string) =>
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    if (req.url === '/violations') return html(VIOLATIONS);
    if (req.url === '/accessible') return html(ACCESSIBLE);
    if (req.url === '/slow-widget') return html(SLOW_WIDGET);
    if (req.url === '/leaky') return html(LEAKY);
    if (req.url === '/pixel.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PIXEL);
    if (req.url === '/late.json') {
      const t = setTimeout(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"href":"/more"}'),
        1500,
      );
      return void res.on('close', () => clearTimeout(t));
    }
    if (req.url === '/to-metadata')
      return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (req.url === '/hang') return void hangs++;
    html(
      '<!doctype html><html lang="en"><head><title>More</title></head><body><main><h1>More</h1></main></body></html>',
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hangs: () => hangs,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
