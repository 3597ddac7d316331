import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problems, Uuid } from '../../shared/http/index.ts';
import type { AdminUsersService } from './admin-users.service.ts';

const Role = Type.Union([Type.Literal('user'), Type.Literal('admin')]);

const AdminUser = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  role: Role,
  createdAt: Type.String({ format: 'date-time' }),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  emailVerified: Type.Boolean({ description: 'Alert e-mails go only to verified addresses' }),
  mfaEnabled: Type.Boolean(),
  disabled: Type.Boolean(),
  disabledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 254, description: 'Part of the e-mail address' }),
    ),
  },
  { additionalProperties: false },
);

const ChangeBody = Type.Object(
  {
    role: Type.Optional(Role),
    disabled: Type.Optional(
      Type.Boolean({ description: 'true: sessions and API tokens stop working at once, schedules pause' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const tags = ['admin'];

/** /api/admin/users (admins only; docs/AUTH.md). */
export function registerAdminUserRoutes(fastify: FastifyInstance, service: AdminUsersService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = { auth: 'admin' as const };

  app.get('/api/admin/users', {
    config: adminOnly,
    schema: {
      tags,
      summary: 'Accounts, newest first (cursor pages), optionally matching part of an e-mail address',
      querystring: ListQuery,
      response: {
        200: Type.Object({
          items: Type.Array(AdminUser),
          nextCursor: Type.Union([Type.String(), Type.Null()]),
        }),
        ...problems(400, 401, 403),
      },
    },
    handler: (req) =>
      service.list({ limit: req.query.limit ?? 20, cursor: req.query.cursor, q: req.query.q }),
  });

  app.patch('/api/admin/users/:id', {
    config: adminOnly,
    schema: {
      tags,
      summary: 'Change a user’s role or disable them (their sessions and tokens stop working at once)',
      params: Type.Object({ id: Uuid }),
      body: ChangeBody,
      response: { 200: AdminUser, ...problems(400, 401, 403, 404, 409) },
    },
    handler: (req) => service.update(req.params.id, req.body),
  });
}
