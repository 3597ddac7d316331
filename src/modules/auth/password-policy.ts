import { readFileSync } from 'node:fs';
import { ValidationError } from '../../shared/http/index.ts';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
const COMMON_PASSWORDS_FILE = new URL('./data/common-passwords.txt', import.meta.url);

export interface PasswordPolicy {
  /** Throws a ValidationError naming `field` when the password is too short, too long or too common. */
  check(password: string, field?: string): void;
}

export function createPasswordPolicy(file: URL = COMMON_PASSWORDS_FILE): PasswordPolicy {
  const common = new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean));
  return {
    check(password, field = '/body/password') {
      const length = [...password].length;
      if (length < MIN_PASSWORD_LENGTH) {
        throw new ValidationError(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`, [
          { field, message: `must be at least ${MIN_PASSWORD_LENGTH} characters` },
        ]);
      }
      if (length > MAX_PASSWORD_LENGTH) {
        throw new ValidationError(`Password must be at most ${MAX_PASSWORD_LENGTH} characters`, [
          { field, message: `must be at most ${MAX_PASSWORD_LENGTH} characters` },
        ]);
      }
      if (common.has(password.toLowerCase())) {
        throw new ValidationError('Password is among the 10,000 most common passwords; choose another', [
          { field, message: 'is too common' },
        ]);
      }
    },
  };
}
