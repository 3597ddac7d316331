import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/index.ts';

/** The OpenAPI document the app serves at /docs/json, from an in-memory app that is closed again. */
export async function openApiDocument<T = Record<string, unknown>>(): Promise<T> {
  const { config } = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'memory://',
    JWT_SECRET: 'x'.repeat(40),
    ENCRYPTION_KEY: 'y'.repeat(40),
  });
  const app = await buildApp({ config, worker: false });
  try {
    return (await app.inject({ url: '/docs/json' })).json<T>();
  } finally {
    await app.close();
  }
}
