import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../../lib/api/client';
import { session } from '../../../lib/auth/session-store';

export const accountKeys = {
  me: ['account', 'me'] as const,
  mfa: ['account', 'mfa'] as const,
  providers: ['account', 'providers'] as const,
  identities: ['account', 'identities'] as const,
  sessions: ['account', 'sessions'] as const,
  tokens: ['account', 'tokens'] as const,
};

/** The signed-in account, fresh from the server (and handed to the session so the header agrees). */
export function useMe() {
  return useQuery({
    queryKey: accountKeys.me,
    queryFn: async () => {
      const me = await call(api.GET('/api/auth/me'));
      session.setUser(me);
      return me;
    },
  });
}
