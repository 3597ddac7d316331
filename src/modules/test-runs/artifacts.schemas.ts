import { Type, type Static } from 'typebox';
import { Uuid } from '../../shared/http/index.ts';

export const ArtifactParams = Type.Object({
  testId: Uuid,
  name: Type.String({
    pattern: '^[a-z0-9][a-z0-9._-]{0,99}$',
    description: 'The artifact name, e.g. `report.html` (lower-case letters, digits and `._-`)',
  }),
});

export const ArtifactLinkQuery = Type.Object(
  {
    expires: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 99_999_999_999, description: 'Signed link: expiry, unix seconds' }),
    ),
    sig: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,128}$',
        description: 'Signed link: HMAC-SHA256 (base64url) over the test, the name and `expires`',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ArtifactItem = Type.Object({
  name: Type.String(),
  contentType: Type.String({ description: 'As stored, e.g. `text/html`, `image/png`' }),
  size: Type.Integer({ minimum: 0, description: 'Bytes of the file (before the store compressed it)' }),
  label: Type.Union([Type.String(), Type.Null()], {
    description: 'What the dashboard shows instead of the name',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  url: Type.String({
    description:
      'Signed link to the file (path and query), usable without an Authorization header until `expiresAt` (ARTIFACT_LINK_TTL): for `<img src>` and new tabs',
  }),
  expiresAt: Type.String({
    format: 'date-time',
    description: 'When `url` stops working; list again for a fresh one',
  }),
});

export const ArtifactList = Type.Object({ items: Type.Array(ArtifactItem) });
export type ArtifactList = Static<typeof ArtifactList>;
