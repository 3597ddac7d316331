import type { RawData } from 'ws';
import { AppError } from '../../shared/http/index.ts';
import { controlMessage } from './realtime-message.ts';
import type { OpenResult, RealtimeService } from './realtime.service.ts';
import type { WsConnection } from './ws-connection.ts';

interface Logger {
  warn(obj: object, msg: string): void;
}

/** Client actions waiting for an answer on one socket; beyond this a client is flooding us. */
const MAX_IN_FLIGHT = 32;
const LAST_ID = /^\d{1,16}$/;

interface ClientMessage {
  action?: unknown;
  channel?: unknown;
  lastId?: unknown;
}

function error(connection: WsConnection, code: string, message: string, channel: string | null = null): void {
  connection.send(controlMessage('error', channel, { code, message }));
}

function parse(data: RawData, isBinary: boolean): ClientMessage | string {
  if (isBinary) return 'Binary frames are not part of the protocol; send JSON text';
  try {
    const message: unknown = JSON.parse(data.toString());
    if (typeof message !== 'object' || message === null || Array.isArray(message))
      return 'A message must be a JSON object with an "action"';
    return message as ClientMessage;
  } catch {
    return 'Malformed JSON';
  }
}

function reply(connection: WsConnection, channel: string, result: OpenResult, resume: boolean): void {
  const lastId = String(result.lastId);
  if (!resume) return connection.send(controlMessage('subscribed', channel, { lastId }));
  if (result.gap) {
    const message =
      'Missed messages are no longer retained: refetch the current state over REST, then continue from lastId';
    return connection.send(
      controlMessage('resume-gap', channel, { code: 'ERR_RESUME_GAP', message, lastId }),
    );
  }
  connection.send(controlMessage('resumed', channel, { replayed: result.replayed, lastId }));
}

/**
 * The client side of SPEC section 6: subscribe, unsubscribe, resume, ping. Anything else — malformed JSON,
 * an unknown action, a missing field — is answered with an error message; nothing a client sends can
 * throw out of here.
 */
export function createWsProtocol(service: RealtimeService, log: Logger) {
  async function act(connection: WsConnection, message: ClientMessage): Promise<void> {
    const { action, channel } = message;
    if (action === 'ping') return connection.send(controlMessage('pong', null));
    if (action !== 'subscribe' && action !== 'unsubscribe' && action !== 'resume') {
      return error(
        connection,
        'ERR_UNKNOWN_ACTION',
        `Unknown action ${JSON.stringify(action ?? null).slice(0, 64)}: use subscribe, unsubscribe, resume or ping`,
      );
    }
    if (typeof channel !== 'string' || channel.length === 0 || channel.length > 128)
      return error(connection, 'ERR_BAD_MESSAGE', `"${action}" needs a "channel" string`);
    if (action === 'unsubscribe') {
      service.unsubscribe(connection, channel);
      return connection.send(controlMessage('unsubscribed', channel));
    }
    const lastId = typeof message.lastId === 'number' ? String(message.lastId) : message.lastId;
    if (action === 'resume' && (typeof lastId !== 'string' || !LAST_ID.test(lastId))) {
      return error(
        connection,
        'ERR_BAD_MESSAGE',
        '"resume" needs "lastId": the id of the last message received on the channel',
        channel,
      );
    }
    const start = action === 'resume' ? { after: Number(lastId) } : { head: true as const };
    await service.open(connection, channel, start, (result) =>
      reply(connection, channel, result, action === 'resume'),
    );
  }

  return function handle(connection: WsConnection, data: RawData, isBinary: boolean): void {
    const message = parse(data, isBinary);
    if (typeof message === 'string') return error(connection, 'ERR_BAD_MESSAGE', message);
    if (connection.inFlight >= MAX_IN_FLIGHT)
      return error(connection, 'ERR_RATE_LIMITED', 'Too many requests in flight; wait for the replies');
    connection.enqueue(() =>
      act(connection, message).catch((err: unknown) => {
        const channel = typeof message.channel === 'string' ? message.channel : null;
        // A refusal (AppError) answers with its own code, as the long-poll's problem+json does.
        if (err instanceof AppError) return error(connection, err.code, err.message, channel);
        log.warn({ err, connectionId: connection.id }, 'realtime action failed');
        error(
          connection,
          'ERR_UNAVAILABLE',
          'The realtime service could not complete this action; try again',
          channel,
        );
      }),
    );
  };
}
