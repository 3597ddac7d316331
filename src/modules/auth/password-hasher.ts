import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id; the enum is `const` and cannot be imported under verbatimModuleSyntax.
const ARGON2ID = 2;

/** argon2id with the library's defaults (19 MiB, 2 passes: the OWASP recommendation). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /**
   * Spends the time of one verification without a real hash, so that a login for an unknown e-mail
   * takes as long as one with a wrong password.
   */
  verifyDummy(password: string): Promise<void>;
}

export async function createPasswordHasher(): Promise<PasswordHasher> {
  const dummy = await hash('dummy-password-for-timing', { algorithm: ARGON2ID });
  return {
    hash: (password) => hash(password, { algorithm: ARGON2ID }),
    verify: (stored, password) => verify(stored, password).catch(() => false),
    async verifyDummy(password) {
      await verify(dummy, password).catch(() => false);
    },
  };
}
