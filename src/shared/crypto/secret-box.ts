import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets stored encrypted at rest (MFA seeds, webhook signing secrets): AES-256-GCM under a key derived
 * from ENCRYPTION_KEY (HKDF-SHA256), each value tagged with the id of the key that sealed it so the key
 * can be rotated: set the new ENCRYPTION_KEY and the old one in ENCRYPTION_KEY_PREVIOUS; values sealed
 * under the old key still open, and `needsReseal` says which to write again under the current one.
 *
 * Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts; keyId is 8 hex characters).
 */
export interface SecretBox {
  seal(plaintext: string): string;
  /** Throws SecretBoxError when the value is malformed, sealed under an unknown key, or tampered with. */
  open(sealed: string): string;
  /** True when `sealed` was sealed under an earlier key. */
  needsReseal(sealed: string): boolean;
  readonly keyId: string;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

interface Key {
  id: string;
  bytes: Buffer;
}

function deriveKey(secret: string): Key {
  const id = createHash('sha256').update(`testweb-key-id:${secret}`).digest('hex').slice(0, 8);
  const bytes = Buffer.from(hkdfSync('sha256', secret, 'testweb-secret-box', 'aes-256-gcm v1', 32));
  return { id, bytes };
}

export function createSecretBox(currentKey: string, previousKeys: string[] = []): SecretBox {
  const current = deriveKey(currentKey);
  const keys = new Map<string, Key>([[current.id, current]]);
  for (const k of previousKeys) {
    const key = deriveKey(k);
    if (!keys.has(key.id)) keys.set(key.id, key);
  }
  return {
    keyId: current.id,
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.bytes, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
      return ['v1', current.id, ...parts].join('.');
    },
    open(sealed) {
      const [version, keyId, iv, tag, body, ...rest] = sealed.split('.');
      if (version !== 'v1' || !keyId || !iv || !tag || body === undefined || rest.length)
        throw new SecretBoxError('not a sealed secret');
      const key = keys.get(keyId);
      if (!key)
        throw new SecretBoxError(
          `sealed under key ${keyId}, which is neither ENCRYPTION_KEY nor in ENCRYPTION_KEY_PREVIOUS`,
        );
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new SecretBoxError('the sealed secret does not authenticate (tampered, or the wrong key)');
      }
    },
    needsReseal(sealed) {
      return sealed.split('.')[1] !== current.id;
    },
  };
}
