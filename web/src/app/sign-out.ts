import { api } from '../lib/api/client';
import { session, SESSION_HEADERS } from '../lib/auth/session-store';
import { queryClient } from '../lib/query-client';
import { realtime } from '../lib/realtime/realtime-client';

/** Ends the session on the server (and its cookie), then forgets everything this tab held. */
export async function signOut(): Promise<void> {
  try {
    await api.POST('/api/auth/logout', { headers: SESSION_HEADERS });
  } finally {
    realtime.stop();
    session.signedOut();
    queryClient.clear();
  }
}
