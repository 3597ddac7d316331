import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/index.ts';

function page(config: Config, version: string): string {
  const database =
    config.database.driver === 'pg'
      ? 'PostgreSQL'
      : config.database.dir
        ? `embedded PGlite in ${config.database.dir}`
        : 'embedded PGlite in memory';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TestWeb</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .3em}</style>
</head><body>
<h1>TestWeb ${version}</h1>
<p>A self-hosted website testing platform is running here.</p>
<ul>
<li>Database: ${database}</li>
<li>Mode: ${config.env}</li>
<li>API documentation: <a href="/docs">/docs</a> (OpenAPI at <a href="/docs/json">/docs/json</a>)</li>
<li>Health: <a href="/health/ready">/health/ready</a></li>
</ul>
<p>Create an account with <code>POST /api/auth/register</code>; the first account becomes admin.</p>
<p>The dashboard is not built here: <code>npm run build:web</code> builds it (<code>npm start</code> does so by itself when <code>web/dist</code> is missing or older than <code>web/src</code>).</p>
</body></html>`;
}

/** The landing page at `/` when the dashboard (web/dist) is not built. */
export function registerHomeRoutes(app: FastifyInstance, config: Config, version: string): void {
  const html = page(config, version);
  app.get('/', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(html),
  );
}
