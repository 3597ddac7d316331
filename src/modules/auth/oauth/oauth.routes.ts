import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser, problems, readCookie } from '../../../shared/http/index.ts';
import type { ClientInfo } from '../auth.service.ts';
import { OAUTH_STATE_TTL_MS, type OAuthService, type Started } from './oauth.service.ts';
import {
  CallbackQuery,
  ExchangeAnswer,
  ExchangeBody,
  IdentityList,
  LinkAnswer,
  ProviderList,
  ProviderParam,
  Redirect,
} from './oauth.schemas.ts';

const tags = ['auth'];

function client(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

const COOKIE = 'testweb_oauth';
const COOKIE_PATH = '/api/auth/oauth';

/** The flow's browser key from the request's cookies. */
const browserKey = (request: FastifyRequest) => readCookie(request, COOKIE);

/**
 * Binds the flow to this browser: HttpOnly, SameSite=Lax (sent on the provider's top-level redirect back),
 * Secure when PUBLIC_URL is https, scoped to the OAuth routes, gone when the state would expire.
 */
function bind(reply: FastifyReply, started: Started, secure: boolean): FastifyReply {
  const attrs = `Path=${COOKIE_PATH}; Max-Age=${OAUTH_STATE_TTL_MS / 1000}; HttpOnly; SameSite=Lax`;
  return reply.header('set-cookie', `${COOKIE}=${started.browserKey}; ${attrs}${secure ? '; Secure' : ''}`);
}

/** Redirects carrying state or a one-time code: not cached, and not passed on as a Referer. */
function redirect(reply: FastifyReply, url: string): FastifyReply {
  return reply
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('referrer-policy', 'no-referrer')
    .redirect(url, 302);
}

/** `secureCookie`: PUBLIC_URL is https, so the binding cookie is Secure. */
export function registerOAuthRoutes(
  fastify: FastifyInstance,
  service: OAuthService,
  secureCookie: boolean,
): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const isPublic = { auth: 'public' as const };

  app.get('/api/auth/oauth/providers', {
    config: isPublic,
    schema: { tags, summary: 'The sign-in providers this server offers', response: { 200: ProviderList } },
    handler: async () => ({ providers: service.providers() }),
  });

  app.get('/api/auth/oauth/identities', {
    schema: {
      tags,
      summary: 'Your linked sign-in providers',
      response: { 200: IdentityList, ...problems(401) },
    },
    handler: async (req) => ({ identities: await service.identities(currentUser(req).id) }),
  });

  app.delete('/api/auth/oauth/identities/:provider', {
    schema: {
      tags,
      summary: 'Unlink a provider (not your last way to sign in)',
      params: ProviderParam,
      response: { 204: Type.Null(), ...problems(400, 401, 404, 409) },
    },
    handler: async (req, reply) => {
      await service.unlink(currentUser(req).id, req.params.provider);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/auth/oauth/exchange', {
    config: isPublic,
    schema: {
      tags,
      summary: "Exchange the callback's one-time code for tokens (or the MFA step)",
      body: ExchangeBody,
      response: { 200: ExchangeAnswer, ...problems(400, 401, 403, 429) },
    },
    handler: async (req, reply) =>
      reply
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .send(await service.exchange(req.body.code, client(req))),
  });

  app.get('/api/auth/oauth/:provider', {
    config: isPublic,
    schema: {
      tags,
      summary: 'Sign in with a provider: redirects to its consent page (open it in the browser)',
      params: ProviderParam,
      response: { 302: Redirect, ...problems(400, 404, 429, 502) },
    },
    handler: async (req, reply) => {
      const started = await service.start(req.params.provider, client(req), browserKey(req));
      return redirect(bind(reply, started, secureCookie), started.url);
    },
  });

  app.get('/api/auth/oauth/:provider/callback', {
    config: isPublic,
    schema: {
      tags,
      summary:
        "The provider's redirect: goes on to PUBLIC_URL/oauth/callback with a one-time code or an error",
      params: ProviderParam,
      querystring: CallbackQuery,
      response: { 302: Redirect, ...problems(400) },
    },
    handler: async (req, reply) =>
      redirect(
        reply,
        await service.callback(req.params.provider, req.query as Record<string, unknown>, browserKey(req)),
      ),
  });

  app.post('/api/auth/oauth/:provider/link', {
    schema: {
      tags,
      summary:
        'Link a provider to your account: answers the URL to send the browser to (call it from that browser: it sets the flow cookie)',
      params: ProviderParam,
      response: { 200: LinkAnswer, ...problems(400, 401, 404, 409, 429, 502) },
    },
    handler: async (req, reply) => {
      const user = currentUser(req);
      const started = await service.startLink(req.params.provider, user.id, client(req), browserKey(req));
      return bind(reply, started, secureCookie).send({ authorizationUrl: started.url });
    },
  });
}
