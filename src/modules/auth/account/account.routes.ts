import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser, problems, Uuid } from '../../../shared/http/index.ts';
import type { SessionsService } from '../sessions.service.ts';
import type { AccountService } from './account.service.ts';
import {
  ChangeEmailBody,
  ChangePasswordBody,
  EmailChangeAnswer,
  ForgotBody,
  MessageAnswer,
  PasswordChangedAnswer,
  ResendAnswer,
  ResetBody,
  SessionList,
  TokenBody,
  VerifiedAnswer,
} from './account.schemas.ts';

const tags = ['auth'];
const isPublic = { auth: 'public' as const };

/** /api/auth/email/*, /api/auth/password/* (docs/AUTH.md). */
export function registerAccountRoutes(fastify: FastifyInstance, account: AccountService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/auth/email/verify', {
    config: isPublic,
    schema: {
      tags,
      summary: 'Follow a verification link (of your address, or of a new address you asked for)',
      body: TokenBody,
      response: { 200: VerifiedAnswer, ...problems(400, 409) },
    },
    handler: (req) => account.verifyEmail(req.body.token),
  });

  app.post('/api/auth/email/resend', {
    schema: {
      tags,
      summary: 'Send the verification e-mail again (alert e-mails need a verified address)',
      response: { 202: ResendAnswer, ...problems(401, 429) },
    },
    handler: async (req, reply) => {
      const r = await account.resendVerification(currentUser(req).id);
      const message = r.emailVerified
        ? 'Your address is already verified'
        : 'A new verification link is on its way; until you follow it, alert e-mails are not sent to you';
      return reply.status(202).send({ ...r, message });
    },
  });

  app.post('/api/auth/email/change', {
    schema: {
      tags,
      summary: 'Change your e-mail address: it changes once the link sent to the new one is followed',
      body: ChangeEmailBody,
      response: { 202: EmailChangeAnswer, ...problems(400, 401, 409, 429) },
    },
    handler: async (req, reply) => {
      const r = await account.requestEmailChange(currentUser(req).id, req.body.newEmail, req.body.password);
      const message = `A link was sent to ${r.pendingEmail}; your address changes when you follow it. Your current address was told.`;
      return reply.status(202).send({ ...r, message });
    },
  });

  app.post('/api/auth/password/forgot', {
    config: isPublic,
    schema: {
      tags,
      summary: 'E-mail a password reset link (the same answer whether or not the address has an account)',
      body: ForgotBody,
      response: { 202: MessageAnswer, ...problems(400, 429) },
    },
    handler: async (req, reply) =>
      reply.status(202).send(await account.forgotPassword(req.body.email, req.ip)),
  });

  app.post('/api/auth/password/reset', {
    config: isPublic,
    schema: {
      tags,
      summary: 'Set a new password with the link’s token; signs the account out everywhere',
      body: ResetBody,
      response: { 200: MessageAnswer, ...problems(400) },
    },
    handler: async (req) => {
      await account.resetPassword(req.body.token, req.body.password);
      return { message: 'Password changed and every session signed out: sign in with the new password' };
    },
  });

  app.post('/api/auth/password/change', {
    schema: {
      tags,
      summary: 'Change your password; your other sessions are signed out, this one stays',
      body: ChangePasswordBody,
      response: { 200: PasswordChangedAnswer, ...problems(400, 401, 409, 429) },
    },
    handler: async (req) => {
      const user = currentUser(req);
      const r = await account.changePassword(
        user.id,
        user.sessionId,
        req.body.currentPassword,
        req.body.newPassword,
      );
      return {
        ...r,
        message: 'Password changed; your other sessions were signed out, this one stays signed in',
      };
    },
  });
}

/** /api/auth/sessions, /api/auth/logout-all (docs/AUTH.md). */
export function registerSessionRoutes(fastify: FastifyInstance, sessions: SessionsService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/auth/sessions', {
    schema: {
      tags,
      summary: 'Your signed-in sessions (one per sign-in, newest first)',
      response: { 200: SessionList, ...problems(401) },
    },
    handler: (req) => sessions.list(currentUser(req).id, currentUser(req).sessionId),
  });

  app.delete('/api/auth/sessions/:id', {
    schema: {
      tags,
      summary: 'Sign a session out: its refresh token and its access tokens stop working at once',
      params: Type.Object({ id: Uuid }),
      response: { 204: Type.Null(), ...problems(400, 401, 404) },
    },
    handler: async (req, reply) => {
      await sessions.remove(currentUser(req).id, req.params.id);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/auth/logout-all', {
    schema: {
      tags,
      summary: 'Sign out everywhere, this session included',
      response: { 204: Type.Null(), ...problems(401) },
    },
    handler: async (req, reply) => {
      await sessions.logoutAll(currentUser(req).id);
      return reply.status(204).send(null);
    },
  });
}
