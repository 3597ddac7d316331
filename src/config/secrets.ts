import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './parse.ts';

interface SecretsInput {
  env: 'development' | 'production' | 'test';
  dataDir: string;
  /** false for a throw-away in-memory database: secrets then live only as long as the process. */
  persist: boolean;
  given: { JWT_SECRET?: string; ENCRYPTION_KEY?: string };
}

const MIN_LENGTH = 32;
const FILE = 'secrets.json';

function check(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length < MIN_LENGTH)
    throw new ConfigError(name, `at least ${MIN_LENGTH} characters`, '<redacted>');
  return value;
}

function readStored(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    throw new ConfigError('DATA_DIR', `a readable ${FILE} (delete it to generate new secrets)`, file);
  }
}

/**
 * Production needs both secrets from the environment. Elsewhere a missing secret is generated once and
 * kept in DATA_DIR/secrets.json (mode 0600), so tokens survive restarts of a development instance.
 */
export function resolveSecrets(input: SecretsInput): {
  jwtSecret: string;
  encryptionKey: string;
  notices: string[];
} {
  let jwtSecret = check('JWT_SECRET', input.given.JWT_SECRET);
  let encryptionKey = check('ENCRYPTION_KEY', input.given.ENCRYPTION_KEY);
  const notices: string[] = [];
  if (input.env === 'production') {
    if (!jwtSecret)
      throw new ConfigError(
        'JWT_SECRET',
        `a secret of at least ${MIN_LENGTH} characters (required in production)`,
        undefined,
      );
    if (!encryptionKey)
      throw new ConfigError(
        'ENCRYPTION_KEY',
        `a key of at least ${MIN_LENGTH} characters (required in production)`,
        undefined,
      );
    return { jwtSecret, encryptionKey, notices };
  }
  if (jwtSecret && encryptionKey) return { jwtSecret, encryptionKey, notices };
  const file = path.join(input.dataDir, FILE);
  const stored = input.persist ? readStored(file) : {};
  const generated: string[] = [];
  const pick = (name: string, current: string | undefined): string => {
    if (current) return current;
    if (stored[name]) return stored[name];
    stored[name] = randomBytes(48).toString('base64url');
    generated.push(name);
    return stored[name];
  };
  jwtSecret = pick('JWT_SECRET', jwtSecret);
  encryptionKey = pick('ENCRYPTION_KEY', encryptionKey);
  if (generated.length > 0 && input.persist) {
    mkdirSync(input.dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600 });
    notices.push(
      `generated ${generated.join(' and ')} for development and stored it in ${file}; set them in the environment for production`,
    );
  } else if (generated.length > 0) {
    notices.push(`generated a temporary ${generated.join(' and ')} for this in-memory instance`);
  }
  if (!input.given.JWT_SECRET || !input.given.ENCRYPTION_KEY) {
    if (generated.length === 0) notices.push(`using development secrets from ${file}`);
  }
  return { jwtSecret, encryptionKey, notices };
}
