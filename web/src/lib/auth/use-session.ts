import { useSyncExternalStore } from 'react';
import { session, type AuthUser } from './session-store';

/** The signed-in user (null when signed out); re-renders on sign-in, sign-out and profile changes. */
export function useUser(): AuthUser | null {
  return useSyncExternalStore(session.subscribe, session.user);
}
