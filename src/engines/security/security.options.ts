import { Type, type Static } from 'typebox';
import { Headers } from '../shared/headers.ts';

export const SecurityOptions = Type.Object(
  {
    headers: Type.Optional(Headers),
    checkExposedFiles: Type.Boolean({
      default: true,
      description: 'Ask for well-known leaky files (/.git/HEAD, /.env, backups…): at most 20 requests.',
    }),
    timeoutMs: Type.Integer({
      minimum: 100,
      maximum: 120_000,
      default: 15_000,
      description: 'Timeout of each request and of the TLS handshake.',
    }),
    insecureTls: Type.Boolean({
      default: false,
      description:
        'Send the request headers above even when the certificate is not trusted (an untrusted certificate is always reported, and the page is then read without them).',
    }),
  },
  { additionalProperties: false },
);
export type SecurityOptions = Static<typeof SecurityOptions>;
