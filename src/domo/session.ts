/** Instance sign-on: a password or a browser's `_dsidv1` cookie becomes a session token. */
import { DomoError } from '../errors.js';
import { jsonObject, send, type Transport } from '../http.js';
import { scrub } from '../secrets.js';
import { transportHint } from './hints.js';

export const SIGNON_CALL = 'Domo sign-on (POST /api/content/v2/authentication)';

export type SignOn =
  | { method: 'password'; emailAddress: string; password: string }
  | { method: 'exptoken'; cookie: string };

export interface DomoSession {
  sessionToken: string;
  userId: string;
}

export async function signOn(
  transport: Transport,
  instanceUrl: string,
  credentials: SignOn,
): Promise<DomoSession> {
  const headers: Record<string, string> = {
    origin: instanceUrl,
    'content-type': 'application/json',
  };
  let body: Record<string, string>;
  if (credentials.method === 'password') {
    body = {
      method: 'password',
      emailAddress: credentials.emailAddress,
      password: credentials.password,
    };
  } else {
    body = { method: 'exptoken' };
    headers.cookie = `_dsidv1=${credentials.cookie}`;
  }
  try {
    const response = await send(transport, SIGNON_CALL, {
      method: 'POST',
      url: `${instanceUrl}/api/content/v2/authentication`,
      headers,
      body: JSON.stringify(body),
    });
    const json = jsonObject(SIGNON_CALL, response);
    // Domo answers a refused sign-on with 200 and success: false, so the status proves nothing.
    if (json.success !== true || typeof json.sessionToken !== 'string' || !json.sessionToken) {
      const reason = (typeof json.reason === 'string' && scrub(json.reason)) || undefined;
      throw new DomoError({
        call: SIGNON_CALL,
        kind: 'response',
        domoMessage: reason,
        detail:
          json.success === true
            ? 'Domo reported success but sent no session token'
            : 'Domo refused the sign-on',
      });
    }
    const userId = json.userId;
    return {
      sessionToken: json.sessionToken,
      userId:
        typeof userId === 'number' || typeof userId === 'string' ? scrub(String(userId), 100) : '',
    };
  } catch (err) {
    if (err instanceof DomoError && !err.hint)
      err.update({ hint: signOnHint(err, credentials.method) });
    throw err;
  }
}

export function signOnHint(err: DomoError, method: SignOn['method']): string | undefined {
  if (err.mentions('locked')) {
    return 'The Domo account is locked: ask a Domo admin to unlock it (Admin > People), or wait before trying again.';
  }
  const refused =
    (err.kind === 'response' && err.domoMessage !== undefined) ||
    err.status === 401 ||
    err.mentions('invalid');
  if (refused) {
    return method === 'password'
      ? 'Check `username` and `password`. Instances that sign on only through SSO need `session-cookie` (or `session-token`) instead.'
      : 'The `_dsidv1` cookie has expired or belongs to another instance: sign in to the instance in a browser again and copy a fresh value into the secret.';
  }
  if (err.status === 403) {
    return 'Domo answers 403 for an unknown instance: check `instance`.';
  }
  if (err.status === 404) return 'Nothing answers at this address: check `instance`.';
  if (err.kind !== 'http') return transportHint(err);
  return (err.status ?? 0) >= 500
    ? 'The instance had a server error: re-run the job later.'
    : undefined;
}
