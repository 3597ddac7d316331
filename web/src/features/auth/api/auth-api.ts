import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import { isApiError } from '../../../lib/api/problem';
import type { BodyOf, ResponseOf } from '../../../lib/api/types';

type Result<T> = { data?: T; error?: unknown; response: Response };

/**
 * `call()` that keeps a 429's Retry-After (seconds) on the error, so the page can say how long to wait.
 * (ApiError does not carry headers: this could move into lib/api/client.ts.)
 */
export async function callAuth<T>(request: Promise<Result<T>>): Promise<T> {
  const result = await request;
  try {
    return await call(Promise.resolve(result));
  } catch (err) {
    if (isApiError(err, 429)) {
      const seconds = Number(result.response.headers.get('retry-after'));
      if (Number.isFinite(seconds) && seconds > 0) retryAfter.set(err, seconds);
    }
    throw err;
  }
}

const retryAfter = new WeakMap<object, number>();

/** The Retry-After of a 429 thrown by callAuth, in seconds. */
export function retryAfterOf(err: unknown): number | undefined {
  return err && typeof err === 'object' ? retryAfter.get(err) : undefined;
}

export type LoginAnswer = ResponseOf<'/api/auth/login', 'post'>;
export type Strength = ResponseOf<'/api/auth/password/strength', 'post'>;
export type StrengthBody = BodyOf<'/api/auth/password/strength', 'post'>;

/** The sign-in providers this server offers (none: no buttons). */
export function useOAuthProviders() {
  return useQuery({
    queryKey: ['auth', 'oauth-providers'],
    queryFn: () => call(api.GET('/api/auth/oauth/providers')),
    staleTime: 5 * 60_000,
  });
}

/** The server's judgement of a password (empty password: nothing asked). Kept briefly, never persisted. */
export function usePasswordStrength(body: StrengthBody) {
  return useQuery({
    queryKey: ['auth', 'password-strength', body.password, body.email ?? ''],
    queryFn: ({ signal }) => callAuth(api.POST('/api/auth/password/strength', { body, signal })),
    enabled: body.password.length > 0,
    staleTime: Infinity,
    gcTime: 10_000,
    retry: false,
    placeholderData: (previous) => previous,
  });
}
