import type { FastifyInstance } from 'fastify';
import { Secret, TOTP } from 'otpauth';
import { vi } from 'vitest';
import { registerUser, type TestUser } from '../../support/app.ts';

export const PASSWORD = 'a sturdy passphrase 42';

/** The code an authenticator app shows now (otpauth, not the product's generator). */
export function codeOf(secret: string, at = Date.now()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: at });
}

/** Moves the (fake) clock to the next 30-second step, so a fresh code exists. */
export function nextStep(): void {
  vi.setSystemTime(Date.now() + 30_000);
}

export interface MfaUser extends TestUser {
  secret: string;
  backupCodes: string[];
  /** The code that turned MFA on (its step is spent). */
  enableCode: string;
}

export async function post(app: FastifyInstance, url: string, payload: object, headers: object = {}) {
  return app.inject({ method: 'POST', url, payload, headers: headers as Record<string, string> });
}

/** Registers an account and turns MFA on through the API. */
export async function userWithMfa(app: FastifyInstance): Promise<MfaUser> {
  const user = await registerUser(app);
  const setup = await post(app, '/api/auth/mfa/setup', {}, user.auth);
  if (setup.statusCode !== 200) throw new Error(`setup: ${setup.statusCode} ${setup.body}`);
  const { secret } = setup.json<{ secret: string }>();
  const enableCode = codeOf(secret);
  const enable = await post(app, '/api/auth/mfa/enable', { code: enableCode }, user.auth);
  if (enable.statusCode !== 200) throw new Error(`enable: ${enable.statusCode} ${enable.body}`);
  nextStep(); // the enabling code's step is spent
  return { ...user, secret, enableCode, backupCodes: enable.json<{ backupCodes: string[] }>().backupCodes };
}

export async function login(app: FastifyInstance, email: string) {
  const res = await post(app, '/api/auth/login', { email, password: PASSWORD });
  if (res.statusCode !== 200) throw new Error(`login: ${res.statusCode} ${res.body}`);
  return res.json<{ mfaRequired?: true; mfaToken: string; expiresIn: number; accessToken?: string }>();
}

export async function verify(
  app: FastifyInstance,
  body: { mfaToken: string; code?: string; backupCode?: string },
) {
  return post(app, '/api/auth/mfa/verify', body);
}
