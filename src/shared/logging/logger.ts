import { createRequire } from 'node:module';
import { stdSerializers, type LoggerOptions } from 'pino';

/**
 * Paths pino censors wherever they appear in a log object. Fastify does not log bodies, but services may
 * log objects carrying these, and headers are logged on errors.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.jwtSecret',
  '*.encryptionKey',
  '*.mfaToken',
];

/**
 * Fields of a database error that quote the input: PostgreSQL's `where` carries the JSON text being
 * parsed ("JSON data, line 1: {…}") and `detail` the offending token or key value; PGlite's errors add
 * every bound parameter (`params`, `queryOptions`). The SQL text (`query`) has no values and stays.
 */
const QUOTING_FIELDS = ['where', 'detail', 'hint', 'internalQuery', 'params', 'queryOptions'] as const;

/** pino's error serializer, minus the fields through which a database error would quote a user's input. */
function serializeError(err: Error): Record<string, unknown> {
  const out = stdSerializers.err(err) as unknown as Record<string, unknown>;
  for (const field of QUOTING_FIELDS) delete out[field];
  return out;
}

/** The pino-pretty entry when it is installed (a devDependency: production installs omit it), else null. */
function prettyTarget(): string | null {
  try {
    return createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    return null;
  }
}

export interface LogFormat {
  /**
   * Readable lines instead of JSON: honoured only when stdout is a terminal and pino-pretty is installed,
   * so output piped to a file or a log collector stays JSON even in development.
   */
  pretty?: boolean;
}

export function loggerOptions(level: string, { pretty = false }: LogFormat = {}): LoggerOptions {
  const target = pretty && process.stdout.isTTY ? prettyTarget() : null;
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // The query string may carry a token (e.g. the WebSocket fallback), so only the path is logged.
      req: (req: { method: string; url: string; id: string }) => ({
        method: req.method,
        url: req.url.split('?')[0],
        id: req.id,
      }),
      err: serializeError,
    },
    ...(target
      ? {
          transport: {
            target,
            options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
}
