import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../../config/index.ts';
import type { DB } from '../../shared/db/index.ts';
import type { EventBus } from '../../shared/events/index.ts';
import type { EmailPort, UserDirectory } from './ports.ts';

export type { EmailPort, UserDirectory } from './ports.ts';

export interface NotificationsModuleDeps {
  config: Config;
  db: Kysely<DB>;
  events: EventBus;
  email: EmailPort;
  users: UserDirectory;
  /** Run the periodic jobs (retention, broadcast fan-out) in this process. */
  worker: boolean;
  instanceId: string;
}

/** SKELETON (being built): the in-app notification centre. */
export async function notificationsModule(
  _app: FastifyInstance,
  _deps: NotificationsModuleDeps,
): Promise<void> {}
