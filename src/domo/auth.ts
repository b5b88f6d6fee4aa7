/**
 * The two credentials the instance's own APIs take: a session (from a sign-on, or a session
 * token) and a developer token. Neither works on api.domo.com, whose OAuth tokens do not work
 * here.
 */
export type InstanceAuthKind = 'session' | 'developer-token';

/** The credential for the instance API: a session, or a developer token. */
export interface InstanceAuth {
  kind: InstanceAuthKind;
  credential: string;
}

export function authHeaders(auth: InstanceAuth): Record<string, string> {
  return auth.kind === 'developer-token'
    ? { 'x-domo-developer-token': auth.credential }
    : { 'x-domo-authentication': auth.credential };
}
