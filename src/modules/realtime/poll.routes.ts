import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { TooManyRequestsError, ValidationError, currentUser, problems } from '../../shared/http/index.ts';
import { parseChannel } from './channel-policy.ts';
import type { ConnectionManager } from './connection-manager.ts';
import { PollConnection } from './poll-connection.ts';
import { realtimeErrors } from './realtime-errors.ts';
import type { RealtimeService } from './realtime.service.ts';

const PollQuery = Type.Object(
  {
    channels: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'Comma-separated channels, e.g. `test-updates,stress-test-<testId>`',
    }),
    since: Type.Optional(
      Type.String({
        maxLength: 4000,
        description:
          "Comma-separated `channel:lastId` pairs (the previous answer's `cursor`); a channel without one starts at its current head",
      }),
    ),
  },
  { additionalProperties: false },
);

const Message = Type.Object({
  event: Type.String(),
  data: Type.Unknown(),
  timestamp: Type.Number(),
  channel: Type.String(),
  id: Type.String(),
});
const PollAnswer = Type.Object({
  messages: Type.Array(Message),
  cursor: Type.String({ description: 'Pass as `since` on the next poll' }),
  gaps: Type.Array(Type.Object({ channel: Type.String(), lastId: Type.String() }), {
    description: 'Channels whose missed messages are no longer retained: refetch over REST',
  }),
});

const CHANNELS = '/querystring/channels';

/** The names are checked before the poll takes a connection; who may read them is the service's answer. */
function parseChannels(value: string, max: number): string[] {
  const channels = [
    ...new Set(
      value
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
  if (channels.length === 0)
    throw new ValidationError('Invalid channels', [{ field: CHANNELS, message: 'at least one channel' }]);
  if (channels.length > max) throw realtimeErrors.tooManySubscriptions(max, CHANNELS);
  const unknown = channels.find((channel) => !parseChannel(channel));
  if (unknown !== undefined) throw realtimeErrors.unknownChannel(unknown, CHANNELS);
  return channels;
}

function parseSince(value: string | undefined): Map<string, number> {
  const since = new Map<string, number>();
  for (const pair of (value ?? '').split(',').filter(Boolean)) {
    const match = /^([\w-]{1,128}):(\d{1,16})$/.exec(pair.trim());
    if (!match)
      throw new ValidationError('Invalid since', [
        { field: '/querystring/since', message: `"${pair.slice(0, 140)}" is not channel:lastId` },
      ]);
    since.set(match[1]!, Number(match[2]));
  }
  return since;
}

export interface PollRouteDeps {
  service: RealtimeService;
  connections: ConnectionManager;
  holdMs: number;
  maxSubscriptions: number;
}

/**
 * `GET /api/realtime/poll`: the same channels, messages, ids and authorization as /ws, for clients that
 * cannot hold a socket. It answers at once with anything missed since the cursor, otherwise holds until
 * the first message or REALTIME_POLL_HOLD.
 */
export function registerPollRoutes(app: FastifyInstance, deps: PollRouteDeps): void {
  const schema = {
    tags: ['realtime'],
    security: [{ bearerAuth: [] }],
    querystring: PollQuery,
    response: { 200: PollAnswer, ...problems(400, 401, 403, 404, 429) },
  };
  app.get<{ Querystring: Static<typeof PollQuery> }>(
    '/api/realtime/poll',
    { schema },
    async (request, reply) => {
      const channels = parseChannels(request.query.channels, deps.maxSubscriptions);
      const since = parseSince(request.query.since);
      const connection = new PollConnection(currentUser(request));
      const admission = deps.connections.admit(connection);
      if (!admission.ok) throw new TooManyRequestsError(admission.message, 1);
      const aborted = new AbortController();
      reply.raw.once('close', () => aborted.abort());
      try {
        const gaps: { channel: string; lastId: string }[] = [];
        for (const channel of channels) {
          const after = since.get(channel);
          // A refusal throws the same AppError the socket answers with; the error handler gives its code.
          const result = await deps.service.open(
            connection,
            channel,
            after === undefined ? { head: true } : { after },
          );
          if (result.gap) gaps.push({ channel, lastId: String(result.lastId) });
        }
        if (gaps.length === 0) await connection.wait(deps.holdMs, aborted.signal);
        const cursor = [...connection.subscriptions]
          .map(([channel, s]) => `${channel}:${s.lastId}`)
          .join(',');
        return {
          messages: connection.collected.map((text) => JSON.parse(text) as Static<typeof Message>),
          cursor,
          gaps,
        };
      } finally {
        deps.connections.remove(connection);
      }
    },
  );
}
