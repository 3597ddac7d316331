/**
 * Loopback sites the seo engine tests crawl. Each page is written so the test knows exactly which checks
 * it fails; every request is counted by path on the server side, so the crawl's bounds are checked there.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeoFixture {
  url: string;
  hits: Map<string, number>;
  /** Requests for paths matching `re`. */
  count(re: RegExp): number;
  close(): Promise<void>;
}

export const HOME_TITLE = 'Fixture home page';
export const HOME_DESCRIPTION =
  'The home page of the SEO fixture site, with every basic tag in place for the checks.';

interface PageSpec {
  title: string;
  description?: string;
  head?: string;
  body?: string;
}

/** A page that passes every per-page check unless `spec` adds a defect; it links back home. */
export function page(spec: PageSpec): string {
  const description =
    spec.description ?? `${spec.title}: a fixture page described in more than fifty characters.`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${spec.title}</title>
<meta name="description" content="${description}">
<meta name="viewport" content="width=device-width, initial-scale=1">${spec.head ?? ''}</head>
<body><h1>${spec.title}</h1><h2>Section</h2><p>Text.</p>${spec.body ?? ''}<a href="/">Home</a></body></html>`;
}

const link = (path: string, text = path) => `<a href="${path}">${text}</a>`;

function home(base: string, links: string[]): string {
  return page({
    title: HOME_TITLE,
    description: HOME_DESCRIPTION,
    head: `<link rel="canonical" href="${base}/">
<meta property="og:title" content="Home"><meta property="og:description" content="The fixture home">
<meta property="og:image" content="${base}/og.png"><meta property="og:url" content="${base}/">
<meta name="twitter:card" content="summary">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite","url":"${base}/"}</script>`,
    body: links.map((l) => link(l)).join(' '),
  }).replace('<a href="/">Home</a>', '');
}

type Route = (base: string) => { status?: number; headers?: Record<string, string>; body: string };
const html = (body: string, status = 200, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  body,
});
const xml = (body: string) => ({ headers: { 'content-type': 'application/xml' }, body });
const urlset = (base: string, paths: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths.map((p) => `<url><loc>${base}${p}</loc></url>`).join('')}</urlset>`;

/** The site with known defects (see seo-engine.test.ts for what each page is expected to fail). */
export const DEFECTS_SITE: Record<string, Route> = {
  '/': (b) =>
    html(
      home(b, [
        '/page1',
        '/old',
        '/dup-a',
        '/dup-b',
        '/noindex-meta',
        '/noindex-header',
        '/canon',
        '/private/secret',
      ]),
    ),
  '/page1': () =>
    html(
      page({ title: 'Page one of the chain', body: `<img src="/a.png"><img src="/b.png">${link('/page2')}` }),
    ),
  '/page2': () =>
    html(page({ title: 'Page two of the chain', body: `${link('/page3')}<a href="/page1"></a>` })),
  '/page3': () =>
    html(
      page({
        title: 'Page three of the chain',
        head: '<script type="application/ld+json">{"@context":"https://schema.org","@type":"Thing",}</script>',
        body: `${link('/missing')} ${link('/error')}`,
      }),
    ),
  '/error': () => html('<h1>oops</h1>', 500),
  '/old': () => ({ status: 301, headers: { location: '/page1' }, body: '' }),
  '/dup-a': () =>
    html(
      page({
        title: 'Duplicate title page',
        description: 'The first page that shares its title with another page of this site.',
      }),
    ),
  '/dup-b': () =>
    html(
      page({
        title: 'Duplicate title page',
        description: 'The second page that shares its title with another page of this site.',
      }),
    ),
  '/noindex-meta': () =>
    html(page({ title: 'Noindex by meta tag', head: '<meta name="robots" content="noindex, follow">' })),
  '/noindex-header': () => html(page({ title: 'Noindex by the header' }), 200, { 'x-robots-tag': 'noindex' }),
  '/canon': (b) =>
    html(page({ title: 'Canonical elsewhere', head: `<link rel="canonical" href="${b}/page1">` })),
  '/private/secret': () => html(page({ title: 'Private page not to crawl' })),
  '/orphan': () => html(page({ title: 'Orphan page in the sitemap' })),
  '/robots.txt': (b) => ({
    headers: { 'content-type': 'text/plain' },
    body: `User-agent: *\nDisallow: /private/\n\nSitemap: ${b}/sitemap-index.xml\n`,
  }),
  '/sitemap-index.xml': (b) =>
    xml(`<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>${b}/sitemap-pages.xml</loc></sitemap><sitemap><loc>${b}/sitemap-more.xml</loc></sitemap></sitemapindex>`),
  '/sitemap-pages.xml': (b) => xml(urlset(b, ['/', '/page1', '/page2'])),
  '/sitemap-more.xml': (b) => xml(urlset(b, ['/dup-a', '/orphan'])),
};

/** One page with nothing to report, a robots.txt and a sitemap. */
export const CLEAN_SITE: Record<string, Route> = {
  '/': (b) => html(home(b, ['/about'])),
  '/about': () => html(page({ title: 'About the fixture site' })),
  '/robots.txt': (b) => ({
    headers: { 'content-type': 'text/plain' },
    body: `User-agent: *\nAllow: /\nSitemap: ${b}/sitemap.xml\n`,
  }),
  '/sitemap.xml': (b) => xml(urlset(b, ['/', '/about'])),
};

/** 50 pages, each linking the next five and home (for the crawl bounds). */
export function manyPagesSite(n = 50): Record<string, Route> {
  const routes: Record<string, Route> = {};
  const links = (i: number) =>
    Array.from({ length: 5 }, (_, k) => `/p/${(i + k + 1) % n}`)
      .map((p) => link(p, `to ${p}`))
      .join(' ');
  routes['/'] = () => html(page({ title: 'Many pages home', body: links(-1) }));
  for (let i = 0; i < n; i++)
    routes[`/p/${i}`] = () => html(page({ title: `Numbered page ${i} of the site`, body: links(i) }));
  return routes;
}

/** Answers on `routes`; 404 elsewhere; `/slow` holds its response until the server closes. */
export async function startSeoFixture(routes: Record<string, Route>): Promise<SeoFixture> {
  const hits = new Map<string, number>();
  let base = '';
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/slow') return void res.writeHead(200, { 'content-type': 'text/html' }).write('<html>');
    const route = routes[path];
    if (!route) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    const r = route(base);
    res.writeHead(r.status ?? 200, r.headers ?? {}).end(r.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    hits,
    count: (re) => [...hits].filter(([p]) => re.test(p)).reduce((n, [, c]) => n + c, 0),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
