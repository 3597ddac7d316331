import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser, problems, ValidationError } from '../../shared/http/index.ts';
import type { AuthService, ClientInfo } from './auth.service.ts';
import {
  AuthResult,
  Credentials,
  LoginAnswer,
  PublicUser,
  RefreshBody,
  StrengthAnswer,
  StrengthBody,
  UpdateProfileBody,
} from './auth.schemas.ts';

const tags = ['auth'];

function client(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

/** Answers that carry tokens must not be kept by a browser or proxy cache (RFC 6749 §5.1). */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

export function registerAuthRoutes(fastify: FastifyInstance, service: AuthService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const isPublic = { auth: 'public' as const };

  app.post('/api/auth/register', {
    config: isPublic,
    schema: {
      tags,
      summary: 'Create an account (the first one becomes admin)',
      body: Credentials,
      response: { 201: AuthResult, ...problems(400, 409, 413, 415, 429) },
    },
    handler: async (req, reply) =>
      noStore(reply)
        .status(201)
        .send(await service.register(req.body.email, req.body.password, client(req))),
  });

  app.post('/api/auth/login', {
    config: isPublic,
    schema: {
      tags,
      summary: 'Sign in with e-mail and password (then POST /api/auth/mfa/verify when MFA is on)',
      body: Credentials,
      response: { 200: LoginAnswer, ...problems(400, 401, 403, 429) },
    },
    handler: async (req, reply) =>
      noStore(reply).send(await service.login(req.body.email, req.body.password, client(req))),
  });

  app.post('/api/auth/password/strength', {
    config: isPublic,
    schema: {
      tags,
      summary: 'How strong a password is, judged as register, reset and change judge it (nothing is stored)',
      body: StrengthBody,
      response: { 200: StrengthAnswer, ...problems(400, 413, 415, 429) },
    },
    handler: async (req, reply) =>
      noStore(reply).send(await service.passwordStrength(req.body.password, req.body.email, client(req))),
  });

  app.post('/api/auth/refresh', {
    config: isPublic,
    schema: {
      tags,
      summary: 'Exchange a refresh token for new tokens (single use)',
      body: RefreshBody,
      response: { 200: AuthResult, ...problems(400, 401, 403) },
    },
    handler: async (req, reply) => {
      // The session cookie stands in for the token in the dashboard (session-cookie.ts); otherwise it is required.
      const token = req.body.refreshToken;
      if (!token)
        throw new ValidationError('refreshToken is required', [
          { field: '/body/refreshToken', message: 'is required' },
        ]);
      return noStore(reply).send(await service.refresh(token, client(req)));
    },
  });

  app.post('/api/auth/logout', {
    schema: { tags, summary: 'Revoke the current session', response: { 204: Type.Null(), ...problems(401) } },
    handler: async (req, reply) => {
      const user = currentUser(req);
      await service.logout(user.id, user.sessionId);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/auth/me', {
    schema: { tags, summary: 'The signed-in account', response: { 200: PublicUser, ...problems(401) } },
    handler: (req) => service.me(currentUser(req).id),
  });

  app.patch('/api/auth/me', {
    schema: {
      tags,
      summary: 'Change your language (locale) or display name',
      body: UpdateProfileBody,
      response: { 200: PublicUser, ...problems(400, 401, 413, 415) },
    },
    handler: (req) => service.updateProfile(currentUser(req).id, req.body),
  });
}
