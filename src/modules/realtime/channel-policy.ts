import { ForbiddenError, NotFoundError, type AuthUser } from '../../shared/http/index.ts';
import { realtimeErrors } from './realtime-errors.ts';
import type { TestOwnerLookup } from './test-owner.registry.ts';

/** The channels of SPEC section 6. */
export type ChannelKind = 'test-updates' | 'user-notifications' | 'system-alerts' | 'stress-test';

export interface ParsedChannel {
  name: string;
  kind: ChannelKind;
  testId?: string;
}

const STRESS = /^stress-test-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const PER_USER: ChannelKind[] = ['test-updates', 'user-notifications'];

export function parseChannel(name: string): ParsedChannel | null {
  if (name === 'test-updates' || name === 'user-notifications' || name === 'system-alerts')
    return { name, kind: name };
  const stress = STRESS.exec(name);
  return stress ? { name, kind: 'stress-test', testId: stress[1]!.toLowerCase() } : null;
}

/**
 * The stream a message lives in. Per-user channels are one stream per user, so each user's ids are
 * contiguous (no gaps from other users' messages) and replay never crosses users.
 */
export function streamFor(channel: ParsedChannel, userId: string | undefined): string {
  if (PER_USER.includes(channel.kind)) {
    if (!userId) throw new Error(`realtime: ${channel.name} messages need an audience userId`);
    return `${channel.name}:${userId}`;
  }
  if (userId) throw new Error(`realtime: ${channel.name} is a shared channel; its audience has no userId`);
  return channel.name;
}

/**
 * Who may subscribe: `test-updates` and `user-notifications` carry only the caller's own messages (admins
 * included — an admin's stream is their own); `system-alerts` is for admins; `stress-test-{testId}` for the
 * test's owner and admins. Another user's (or an unknown) test answers not-found, never a hint that it exists.
 * Resolves with the stream the subscription reads; a refusal throws (ValidationError ERR_UNKNOWN_CHANNEL,
 * ForbiddenError, NotFoundError), so the socket and the long-poll answer with the same codes.
 */
export async function authorize(user: AuthUser, name: string, owners: TestOwnerLookup): Promise<string> {
  const channel = parseChannel(name);
  if (!channel) throw realtimeErrors.unknownChannel(name);
  if (channel.kind === 'system-alerts' && user.role !== 'admin')
    throw new ForbiddenError(`Channel "${name}" is for admins only`);
  if (channel.kind === 'stress-test' && user.role !== 'admin') {
    const owner = await owners.ownerOf(channel.testId!);
    if (owner !== user.id) throw new NotFoundError(`Channel "${name}": no such test of yours`);
  }
  return streamFor(channel, PER_USER.includes(channel.kind) ? user.id : undefined);
}
