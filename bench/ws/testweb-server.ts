/**
 * The measured server: the real TestWeb app (embedded mode, in-memory database, logs silent), broadcasting
 * on `system-alerts` through the realtime broker to every subscribed admin socket.
 */
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/index.ts';
import { gcRss, nowMs, send, type ServerCommand } from './bench-ipc.ts';

const { config } = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  DATABASE_URL: 'memory://',
  JWT_SECRET: 'bench-jwt-secret-bench-jwt-secret-0123456789',
  ENCRYPTION_KEY: 'bench-encryption-key-bench-encryption-key-01',
  ACCESS_TOKEN_TTL: '1h',
  AUTH_RATE_LIMIT_IP: '1000/1m',
  REALTIME_MAX_CONNECTIONS: '30000',
  REALTIME_MAX_CONNECTIONS_PER_USER: '30000',
});
const app = await buildApp({ config });
await app.listen({ host: '127.0.0.1', port: 0, backlog: 4096 });
const res = await app.inject({
  method: 'POST',
  url: '/api/auth/register',
  payload: { email: 'bench@example.test', password: 'a sturdy passphrase 42' },
});
const { accessToken } = res.json<{ accessToken: string }>();

process.on('message', (command: ServerCommand) => {
  if (command.cmd === 'rss') send({ type: 'rss', rss: gcRss(), connections: app.realtime.connections.size });
  else if (command.cmd === 'stats')
    send({
      type: 'stats',
      stats: {
        ...app.realtime.stats,
        connections: app.realtime.connections.size,
        subscriptions: app.realtime.channels.subscriptionCount,
      },
    });
  else {
    void app.realtime.broker
      .publish('system-alerts', 'bench', { seq: command.seq, sentAt: nowMs() })
      .then(() => send({ type: 'published', seq: command.seq }));
  }
});

const address = app.server.address();
send({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0, token: accessToken });
