import { loadConfig, type Config, type DatabaseConfig } from '../../src/config/index.ts';

/** The configuration both processes of bench/schedules use: no per-user caps in the way, a 60 s schedule allowed. */
export function benchConfig(env: Record<string, string>, database: DatabaseConfig): Config {
  const { config } = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-0123456789',
    ENCRYPTION_KEY: 'bench-encryption-key-bench-encryption-key-01',
    ALLOW_PRIVATE_TARGETS: 'true',
    WORKER_CONCURRENCY: '32',
    QUEUE_MAX_ACTIVE_PER_USER: '1000000',
    QUEUE_KEEP_COMPLETED: '1000',
    SCHEDULE_MAX_PER_USER: '100000',
    ...env,
  });
  return { ...config, database };
}
