export { createRedisFactory, type RedisFactory, type RedisLogger, type RedisObserver } from './redis.ts';
export { ClosableRedis, QUIT_TIMEOUT_MS } from './closable-redis.ts';
