import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markRoutesPublic } from '../auth/index.ts';

/** Where `npm run build:web` writes the dashboard (web/vite.config.ts). */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Paths the server answers itself: never the dashboard's page, even when nothing matches there. */
const SERVER_PATHS = /^\/(api|ws|docs|health|metrics)(\/|$|\?)/;

export interface Dashboard {
  /** The built page, or null when web/dist has no build (the landing page says how to build it). */
  indexHtml: string | null;
  /** Answers a GET for a client-side route (`/tests/…`) that accepts HTML with the page. */
  fallback(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined;
}

/** Reads the built dashboard once at start: `npm start` builds it first when it is missing or stale. */
export function loadDashboard(dist = DASHBOARD_DIST): Dashboard {
  const file = join(dist, 'index.html');
  const indexHtml = existsSync(file) ? readFileSync(file, 'utf8') : null;
  return {
    indexHtml,
    fallback(request, reply) {
      if (indexHtml === null || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined;
      if (SERVER_PATHS.test(request.url) || !(request.headers.accept ?? '').includes('text/html')) {
        return undefined;
      }
      return sendPage(reply, indexHtml);
    },
  };
}

function sendPage(reply: FastifyReply, html: string): FastifyReply {
  // The page names the hashed bundles: it must be revalidated so a new build is picked up at once.
  return reply.status(200).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
}

/**
 * Serves web/dist: `/` is the page; `/assets/*` are content-hashed bundles cached for a year (`immutable`),
 * under one wildcard route (one route, not one per file, so the routes do not change with each build; a
 * missing file is a 404); the few files of web/public beside the page (the icon) each get a route and are
 * revalidated. Client routes come through `fallback`.
 */
export async function registerDashboard(app: FastifyInstance, dashboard: Dashboard, dist = DASHBOARD_DIST) {
  const html = dashboard.indexHtml;
  if (html === null) return;
  const topFiles = readdirSync(dist, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== 'index.html')
    .map((e) => e.name);
  await app.register(async (scope) => {
    scope.addHook('onRoute', markRoutesPublic);
    await scope.register(fastifyStatic, {
      root: join(dist, 'assets'),
      prefix: '/assets/',
      index: false,
      wildcard: true,
      setHeaders: (reply, path) =>
        void reply.header(
          'cache-control',
          path.startsWith(join(dist, 'assets')) ? 'public, max-age=31536000, immutable' : 'public, max-age=0',
        ),
      schemaHide: true,
      cacheControl: false,
    });
    for (const name of topFiles) {
      scope.get(`/${name}`, { schema: { hide: true } }, async (_req, reply) => reply.sendFile(name, dist));
    }
    scope.get('/', { schema: { hide: true } }, async (_req, reply) => sendPage(reply, html));
  });
}
