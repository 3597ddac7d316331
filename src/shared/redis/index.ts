export { createRedisFactory, type RedisFactory, type RedisLogger } from './redis.ts';
export { ClosableRedis, QUIT_TIMEOUT_MS } from './closable-redis.ts';
