import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser, problems } from '../../../shared/http/index.ts';
import { AuthResult } from '../auth.schemas.ts';
import type { ClientInfo } from '../auth.service.ts';
import type { MfaService } from './mfa.service.ts';
import {
  BackupCodesResult,
  ConfirmBody,
  EnableBody,
  MfaSetupResult,
  MfaStatus,
  VerifyBody,
} from './mfa.schemas.ts';

const tags = ['auth', 'mfa'];

function client(request: FastifyRequest): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null };
}

/** Secrets, backup codes and tokens must not be kept by a browser or proxy cache. */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

export function registerMfaRoutes(fastify: FastifyInstance, service: MfaService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/auth/mfa', {
    schema: {
      tags,
      summary: 'Whether two-factor authentication is on',
      response: { 200: MfaStatus, ...problems(401) },
    },
    handler: (req) => service.status(currentUser(req).id),
  });

  app.post('/api/auth/mfa/setup', {
    schema: {
      tags,
      summary:
        'Start TOTP setup: a new secret, its otpauth:// URI and QR code (nothing changes until enable)',
      response: { 200: MfaSetupResult, ...problems(401, 409) },
    },
    handler: async (req, reply) => noStore(reply).send(await service.setup(currentUser(req).id)),
  });

  app.post('/api/auth/mfa/enable', {
    schema: {
      tags,
      summary: 'Turn MFA on with a code of the new secret; answers the ten backup codes, once',
      body: EnableBody,
      response: { 200: BackupCodesResult, ...problems(400, 401, 409, 429) },
    },
    handler: async (req, reply) =>
      noStore(reply).send(await service.enable(currentUser(req).id, req.body.code)),
  });

  app.post('/api/auth/mfa/disable', {
    schema: {
      tags,
      summary: 'Turn MFA off (password and a code or a backup code)',
      body: ConfirmBody,
      response: { 204: Type.Null(), ...problems(400, 401, 409, 429) },
    },
    handler: async (req, reply) => {
      await service.disable(currentUser(req).id, req.body.password ?? '', req.body);
      return reply.status(204).send(null);
    },
  });

  app.post('/api/auth/mfa/backup-codes', {
    schema: {
      tags,
      summary: 'Replace the backup codes (password and a code or a backup code); the old ones stop working',
      body: ConfirmBody,
      response: { 200: BackupCodesResult, ...problems(400, 401, 409, 429) },
    },
    handler: async (req, reply) =>
      noStore(reply).send(
        await service.regenerateBackupCodes(currentUser(req).id, req.body.password ?? '', req.body),
      ),
  });

  app.post('/api/auth/mfa/verify', {
    config: { auth: 'public' },
    schema: {
      tags,
      summary:
        'Second step of a sign-in: the mfaToken of the login answer and a code or a backup code → tokens',
      security: [],
      body: VerifyBody,
      response: { 200: AuthResult, ...problems(400, 401, 429) },
    },
    handler: async (req, reply) =>
      noStore(reply).send(await service.verify(req.body.mfaToken, req.body, client(req))),
  });
}
