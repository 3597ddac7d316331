import type { paths } from '../../../lib/api/schema';

type StartRoute = '/api/auth/oauth/{provider}';
export type OAuthProvider = paths[StartRoute]['get']['parameters']['path']['provider'];

/** The typed start route with its provider filled in: the browser goes there (a redirect), never a fetch. */
export function oauthStartUrl(provider: OAuthProvider): string {
  const route: StartRoute = '/api/auth/oauth/{provider}';
  return route.replace('{provider}', encodeURIComponent(provider));
}
