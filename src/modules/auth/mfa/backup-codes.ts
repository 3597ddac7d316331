import { createHash, randomInt } from 'node:crypto';

export const BACKUP_CODE_COUNT = 10;
/** Crockford's base32 (no i, l, o, u): 5 bits a character, nothing that reads as another character. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 3;
const GROUP_LENGTH = 4;

/**
 * Ten single-use recovery codes, `xxxx-xxxx-xxxx`: 12 random characters, 60 bits each.
 *
 * Stored as SHA-256, not argon2: a slow hash stretches secrets people choose, whose entropy is low; these
 * are 60 random bits, which no offline search walks (2^60 SHA-256 is years of a GPU per code), and online
 * guessing is held to 5 tries per 15 minutes. An unsalted digest also lets "use once" be one conditional
 * UPDATE on the hash, so two requests with the same code cannot both pass.
 */
export function newBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () =>
    Array.from({ length: GROUPS }, () =>
      Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
    ).join('-'),
  );
}

/** As typed: case, spaces and hyphens do not matter, and o/i/l read as 0/1/1 (Crockford). */
export function normalizeBackupCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
}

export function hashBackupCode(input: string): string {
  return createHash('sha256')
    .update(`testweb-backup-code:${normalizeBackupCode(input)}`)
    .digest('hex');
}
