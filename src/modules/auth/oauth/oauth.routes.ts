import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser, problems } from '../../../shared/http/index.ts';
import type { ClientInfo } from '../auth.service.ts';
import type { OAuthService } from './oauth.service.ts';
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

/** Redirects carrying state or a one-time code: not cached, and not passed on as a Referer. */
function redirect(reply: FastifyReply, url: string): FastifyReply {
  return reply
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('referrer-policy', 'no-referrer')
    .redirect(url, 302);
}

export function registerOAuthRoutes(fastify: FastifyInstance, service: OAuthService): void {
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
    handler: async (req, reply) => redirect(reply, await service.start(req.params.provider, client(req))),
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
      redirect(reply, await service.callback(req.params.provider, req.query as Record<string, unknown>)),
  });

  app.post('/api/auth/oauth/:provider/link', {
    schema: {
      tags,
      summary: 'Link a provider to your account: answers the URL to send the browser to',
      params: ProviderParam,
      response: { 200: LinkAnswer, ...problems(400, 401, 404, 409, 429, 502) },
    },
    handler: async (req) => ({
      authorizationUrl: await service.startLink(req.params.provider, currentUser(req).id, client(req)),
    }),
  });
}
