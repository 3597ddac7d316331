import Fastify, { type FastifyInstance } from 'fastify';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';

/**
 * The headers @fastify/helmet sets with these options, computed once. The plugin builds a new helmet
 * middleware on every request (parsing the CSP directives again each time) from two onRequest hooks, one
 * of them async: ~10 % of an authenticated no-op request's CPU (bench/http-pipeline's profile). The headers
 * only depend on the options (no CSP nonces here), so they are read once from a throwaway instance
 * running the plugin itself and copied onto every reply.
 */
export async function securityHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, options);
  // Public, as any route without a credential: tests that watch every instance's routes see this one too.
  probe.get('/', { config: { auth: 'public' } }, async (_request, reply) => reply.raw.getHeaders());
  const res = await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.json<Record<string, unknown>>()))
    headers[name] = String(value);
  return headers;
}

/**
 * Every reply (404s and errors included: headers set in onRequest survive the error handler) gets the
 * security headers and `x-request-id`, from one synchronous hook.
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: FastifyHelmetOptions,
): Promise<void> {
  const headers = await securityHeaders(options);
  app.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    done();
  });
}
