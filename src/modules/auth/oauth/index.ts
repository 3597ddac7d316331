import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { AccountConfig } from '../../../config/account-config.ts';
import type { DB } from '../../../shared/db/index.ts';
import type { ClientInfo } from '../auth.service.ts';
import type { LoginAnswer, SignInMethod } from '../sign-in.ts';
import type { UserRepository, UserRow } from '../user.repository.ts';
import { createGitHubProvider } from './github.provider.ts';
import { createGoogleProvider } from './google.provider.ts';
import { createOAuthRepository } from './oauth.repository.ts';
import { registerOAuthRoutes } from './oauth.routes.ts';
import { createOAuthService } from './oauth.service.ts';

export interface OAuthDeps {
  account: Pick<AccountConfig, 'google' | 'github'>;
  publicUrl: string;
  db: Kysely<DB>;
  users: UserRepository;
  signIn(user: UserRow, client: ClientInfo, method: SignInMethod): Promise<LoginAnswer>;
  hitIp(ip: string): Promise<void>;
}

/** Google and GitHub sign-in and linking (docs/OAUTH.md): registers /api/auth/oauth/… */
export function registerOAuth(app: FastifyInstance, d: OAuthDeps): void {
  const log = app.log;
  const service = createOAuthService({
    providers: {
      ...(d.account.google && { google: createGoogleProvider(d.account.google, log) }),
      ...(d.account.github && { github: createGitHubProvider(d.account.github, log) }),
    },
    repo: createOAuthRepository(d.db),
    users: d.users,
    signIn: d.signIn,
    hitIp: d.hitIp,
    publicUrl: d.publicUrl,
    log,
  });
  registerOAuthRoutes(app, service, d.publicUrl.startsWith('https:'));
}
