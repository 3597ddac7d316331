import type { Redis } from 'ioredis';
import {
  initialSequence,
  type BufferLimits,
  type FanoutListener,
  type MessageStore,
} from './message-store.ts';
import { idOf, parseStored } from './realtime-message.ts';

/**
 * One atomic step per message: assign the id, keep the message in the capped list, and publish it. Redis
 * runs scripts one at a time, so pub/sub delivers every stream's messages in id order to every process.
 * KEYS: seq, list. ARGV: initial seq, body, buffer size, buffer age ms, sequence ttl ms, fan-out channel, stream.
 */
const APPEND = `
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
local id = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local text = '{"id":"' .. id .. '",' .. ARGV[2]
redis.call('RPUSH', KEYS[2], text)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[6], ARGV[7] .. '\\n' .. text)
return id
`;

/** A sequence outlives its buffer by far, so ids of an active-then-idle stream never go backwards. */
const SEQUENCE_TTL_MS = 7 * 86_400_000;

type AppendingRedis = Redis & {
  realtimeAppend(seq: string, list: string, ...args: (string | number)[]): Promise<number>;
};

export interface RedisMessageStoreDeps {
  /** A command connection (the caller owns and closes it). */
  commands: Redis;
  /** Opens the pub/sub connection, on the first subscription only. */
  createSubscriber(): Redis;
  keyPrefix: string;
  limits: BufferLimits;
}

export function createRedisMessageStore(deps: RedisMessageStoreDeps): MessageStore {
  const { keyPrefix: prefix, limits } = deps;
  const commands = deps.commands as AppendingRedis;
  commands.defineCommand('realtimeAppend', { numberOfKeys: 2, lua: APPEND });
  const fanoutChannel = `${prefix}rt:fanout`;
  const seqKey = (stream: string) => `${prefix}rt:seq:${stream}`;
  const listKey = (stream: string) => `${prefix}rt:buf:${stream}`;
  const listeners: FanoutListener[] = [];
  let subscriber: Redis | null = null;
  let subscribed: Promise<void> | null = null;

  function subscribe(): Promise<void> {
    subscriber = deps.createSubscriber();
    subscriber.on('message', (_channel: string, payload: string) => {
      const newline = payload.indexOf('\n');
      const text = payload.slice(newline + 1);
      const id = idOf(text);
      for (const listener of listeners) listener(payload.slice(0, newline), id, text);
    });
    return subscriber.subscribe(fanoutChannel).then(() => undefined);
  }

  return {
    async append(stream, body, _timestamp) {
      const args = [
        initialSequence(),
        body,
        limits.size,
        limits.ageMs,
        SEQUENCE_TTL_MS,
        fanoutChannel,
        stream,
      ];
      return Number(await commands.realtimeAppend(seqKey(stream), listKey(stream), ...args));
    },
    async read(stream) {
      // Reading starts the sequence of a stream that has none yet, so the head a subscriber is given is
      // the real base of the ids that follow (and a resume from it is not mistaken for a gap).
      const results = await commands
        .multi()
        .set(seqKey(stream), initialSequence(), 'PX', SEQUENCE_TTL_MS, 'NX')
        .get(seqKey(stream))
        .lrange(listKey(stream), 0, -1)
        .exec();
      const failed = results?.find(([err]) => err)?.[0];
      if (failed) throw failed;
      const head = Number((results?.[1]?.[1] as string | null) ?? 0);
      const since = Date.now() - limits.ageMs;
      const messages = ((results?.[2]?.[1] as string[] | undefined) ?? [])
        .map(parseStored)
        .filter((m) => m.timestamp >= since);
      return { head, messages };
    },
    async listen(listener) {
      if (!listeners.includes(listener)) listeners.push(listener);
      subscribed ??= subscribe().catch((err: unknown) => {
        subscribed = null; // let the next subscription try again once Redis answers
        throw err;
      });
      await subscribed;
    },
    async close() {
      listeners.length = 0;
      await subscriber?.quit().catch(() => undefined);
    },
  };
}
