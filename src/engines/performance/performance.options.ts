import { Type, type Static } from 'typebox';
import { Headers } from '../shared/headers.ts';

export const PerformanceOptions = Type.Object(
  {
    runs: Type.Integer({
      minimum: 1,
      maximum: 10,
      default: 3,
      description: 'Times the document is loaded on fresh connections; phases are the median.',
    }),
    headers: Type.Optional(Headers),
    fetchResources: Type.Boolean({
      default: true,
      description: 'Fetch scripts, styles, images and fonts for page weight.',
    }),
    maxResources: Type.Integer({ minimum: 0, maximum: 300, default: 100 }),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 16,
      default: 6,
      description: 'Subresources fetched at once.',
    }),
    timeoutMs: Type.Integer({
      minimum: 100,
      maximum: 120_000,
      default: 30_000,
      description: 'Timeout of each request.',
    }),
    insecureTls: Type.Boolean({
      default: false,
      description: 'Accept self-signed or otherwise untrusted certificates.',
    }),
  },
  { additionalProperties: false },
);
export type PerformanceOptions = Static<typeof PerformanceOptions>;
