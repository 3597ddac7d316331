import createClient from 'openapi-fetch';
import type { paths } from '../api/schema';
import type { User } from '../api/types';

export type AuthUser = User;

/** What the token-issuing routes answer in cookie mode (the refresh token is the HttpOnly cookie). */
export interface TokenAnswer {
  user: AuthUser;
  accessToken: string;
  expiresIn: number;
}

type Listener = () => void;

/**
 * A hint (not a secret) that this browser had a session, so a visitor who never signed in does not start
 * with a refresh call that can only fail.
 */
const HINT = 'testweb.signedIn';

/** Marks the dashboard's requests for the HttpOnly refresh cookie (docs/AUTH.md, "Browser sessions"). */
export const SESSION_HEADERS = { 'x-testweb-session': 'cookie' } as const;

/**
 * The session, outside React so the API client can read it: the access token lives in memory only, the
 * refresh token in an HttpOnly SameSite=Strict cookie that script never sees. A reload signs in again
 * through the cookie; one refresh runs at a time however many requests see a 401.
 */
function createSessionStore() {
  let token: string | null = null;
  let user: AuthUser | null = null;
  let inflight: Promise<string | null> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<Listener>();
  const emit = () => listeners.forEach((l) => l());

  function schedule(expiresIn: number) {
    clearTimeout(timer);
    // Refresh a minute before expiry (or at 80 % of short lifetimes) so sockets and requests never see it lapse.
    const ms = Math.max(5_000, Math.min(expiresIn * 1000 - 60_000, expiresIn * 800));
    timer = setTimeout(() => void store.refresh(), ms);
  }

  const store = {
    accessToken: () => token,
    user: () => user,
    subscribe(l: Listener) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    /** Takes the answer of register, login, MFA verify, OAuth exchange or refresh. */
    signedIn(answer: TokenAnswer) {
      token = answer.accessToken;
      user = answer.user;
      localStorage.setItem(HINT, '1');
      schedule(answer.expiresIn);
      emit();
    },
    setUser(next: AuthUser) {
      user = next;
      emit();
    },
    signedOut() {
      clearTimeout(timer);
      token = null;
      user = null;
      localStorage.removeItem(HINT);
      emit();
    },
    /** At start: the session from the refresh cookie, when this browser had one. */
    restore(): Promise<string | null> {
      return localStorage.getItem(HINT) ? store.refresh() : Promise.resolve(null);
    },
    /** A new access token from the refresh cookie, or null (and signed out) when the session is gone. */
    refresh(): Promise<string | null> {
      inflight ??= (async () => {
        try {
          // A client of its own: the main one's middleware refreshes through this store.
          const { data, response } = await bare.POST('/api/auth/refresh', {
            body: {},
            headers: SESSION_HEADERS,
          });
          if (!response.ok || !data) {
            store.signedOut();
            return null;
          }
          store.signedIn(data as TokenAnswer);
          return token;
        } catch {
          return token;
        } finally {
          inflight = null;
        }
      })();
      return inflight;
    },
  };
  return store;
}

const bare = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });

export const session = createSessionStore();
