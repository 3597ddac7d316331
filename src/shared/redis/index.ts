export { createRedisFactory, type RedisFactory } from './redis.ts';
