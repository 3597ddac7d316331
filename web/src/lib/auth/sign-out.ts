import { api } from '../api/client';
import { queryClient } from '../query-client';
import { realtime } from '../realtime/realtime-client';
import { session, SESSION_HEADERS } from './session-store';

/** Forgets everything this tab held: the socket, the session, every cached answer. */
export function forgetSession(): void {
  realtime.stop();
  session.signedOut();
  queryClient.clear();
}

/** Ends the session on the server (and its cookie), then forgets it here. */
export async function signOut(): Promise<void> {
  try {
    await api.POST('/api/auth/logout', { headers: SESSION_HEADERS });
  } finally {
    forgetSession();
  }
}
