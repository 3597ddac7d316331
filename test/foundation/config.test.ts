import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARS, loadConfig } from '../../src/config/index.ts';

const SECRETS = { JWT_SECRET: 'j'.repeat(40), ENCRYPTION_KEY: 'k'.repeat(40) };

function failure(env: Record<string, string>): string {
  try {
    loadConfig({ DATABASE_URL: 'memory://', ...SECRETS, ...env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected loadConfig to fail');
}

describe('configuration', () => {
  it('uses the documented defaults', () => {
    const { config } = loadConfig({ DATABASE_URL: 'memory://', ...SECRETS });
    expect(config.port).toBe(3001);
    expect(config.env).toBe('development');
    expect(config.database).toEqual({ driver: 'pglite', dir: null, sharedBuffers: '16MB' });
    expect(config.accessTokenTtlMs).toBe(15 * 60_000);
    expect(config.allowPrivateTargets).toBe(false);
  });

  it('names the variable and what was expected in one line', () => {
    const message = failure({ PORT: 'eighty' });
    expect(message).toBe('PORT: expected a port number 0–65535, got "eighty"');
    expect(failure({ LOG_LEVEL: 'loud' })).toMatch(/^LOG_LEVEL: expected fatal, error/);
    expect(failure({ ACCESS_TOKEN_TTL: 'soon' })).toMatch(/^ACCESS_TOKEN_TTL: expected a duration/);
    expect(failure({ AUTH_RATE_LIMIT_IP: '5 per minute' })).toMatch(
      /^AUTH_RATE_LIMIT_IP: expected count\/window/,
    );
    expect(failure({ CORS_ORIGINS: 'not a url' })).toMatch(/^CORS_ORIGINS:/);
    expect(message.split('\n')).toHaveLength(1);
  });

  it('never echoes a database URL, which may hold a password', () => {
    const message = failure({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(message).toMatch(/^DATABASE_URL:/);
    expect(message).not.toContain('hunter2');
  });

  it('refuses to start in production without JWT_SECRET or ENCRYPTION_KEY', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'memory://', ENCRYPTION_KEY: 'k'.repeat(40) }),
    ).toThrow(/^JWT_SECRET: .*required in production/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'memory://', JWT_SECRET: 'j'.repeat(40) }),
    ).toThrow(/^ENCRYPTION_KEY: .*required in production/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'memory://',
        JWT_SECRET: 'short',
        ENCRYPTION_KEY: 'k'.repeat(40),
      }),
    ).toThrow(/^JWT_SECRET: expected at least 32 characters/);
  });

  it('generates development secrets once, keeps them in DATA_DIR and says so', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'testweb-config-'));
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.notices.join()).toMatch(/generated JWT_SECRET and ENCRYPTION_KEY/);
    const file = path.join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.config.jwtSecret).toBe(first.config.jwtSecret);
    expect(second.config.encryptionKey).toBe(first.config.encryptionKey);
    expect(second.notices.join()).not.toMatch(/generated/);
    expect(first.config.database).toEqual({
      driver: 'pglite',
      dir: path.join(dir, 'pgdata'),
      sharedBuffers: '16MB',
    });
  });

  it('documents every variable in the README configuration table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const v of ENV_VARS) expect(readme, `README lacks ${v.name}`).toContain(`| \`${v.name}\` |`);
  });
});
