import { session } from '../../../lib/auth/session-store';
import { queryClient } from '../../../lib/query-client';
import { realtime } from '../../../lib/realtime/realtime-client';

/**
 * Forgets this tab's session after the server ended it (sign out everywhere, revoking this session):
 * the same clean-up as app/sign-out.ts, which a feature may not import.
 */
export function forgetSession(): void {
  realtime.stop();
  session.signedOut();
  queryClient.clear();
}
