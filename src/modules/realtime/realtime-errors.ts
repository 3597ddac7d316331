import { ConflictError, ValidationError } from '../../shared/http/index.ts';

/**
 * The realtime refusals that have no general AppError of their own. The socket answers each with an
 * error frame carrying its `code`, the long-poll with problem+json carrying the same `code` and its
 * status; `field` names the offending query parameter over HTTP (a socket message has none).
 */
export const realtimeErrors = {
  unknownChannel(name: string, field?: string): ValidationError {
    const message = `Unknown channel "${name.slice(0, 140)}"`;
    return new ValidationError(message, field ? [{ field, message }] : [], 'ERR_UNKNOWN_CHANNEL');
  },
  tooManySubscriptions(max: number, field?: string): ValidationError {
    const message = `At most ${max} channels per connection`;
    return new ValidationError(message, field ? [{ field, message }] : [], 'ERR_TOO_MANY_SUBSCRIPTIONS');
  },
  /** The connection went away while a subscription was being set up. */
  closed: (): ConflictError => new ConflictError('Connection closed', 'ERR_CLOSED'),
};
