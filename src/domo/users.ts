/**
 * Who a credential acts as: `GET /api/content/v2/users/me` on the instance, the check Domo's
 * own app CLI makes of its login. A read: it changes nothing on Domo.
 */
import { DomoError } from '../errors.js';
import { jsonObject, send, type Transport } from '../http.js';
import { controlIn } from '../text.js';
import { authHeaders, type InstanceAuth } from './auth.js';
import { numericId } from './clients.js';
import { transportHint } from './hints.js';

export const USER_CALL = 'Domo user check (GET /api/content/v2/users/me)';

export interface DomoUser {
  /** The user's id: digits only. */
  id: string;
  /** Domo's `displayName`; '' when it gives none. */
  name: string;
}

/** The input a credential came from, to name it in advice. */
export type CredentialSource = 'developer-token' | 'session-token' | 'username' | 'session-cookie';

/**
 * One attempt: the user `auth` acts as, or a DomoError saying why not. With `source`, the
 * error's advice names that input; without it, the kind of credential.
 */
export async function currentUser(
  transport: Transport,
  instanceUrl: string,
  auth: InstanceAuth,
  source?: CredentialSource,
): Promise<DomoUser> {
  try {
    const response = await send(transport, USER_CALL, {
      method: 'GET',
      url: `${instanceUrl}/api/content/v2/users/me`,
      headers: authHeaders(auth),
    });
    return parseUser(response.status, jsonObject(USER_CALL, response));
  } catch (err) {
    if (err instanceof DomoError && !err.hint) {
      err.update({ hint: userHint(err, source ?? auth.kind) });
    }
    throw err;
  }
}

/**
 * Both fields become outputs as Domo sent them: a name with a line break or control character
 * is refused rather than altered, and an id must be digits (it goes into the mint's JSON).
 */
function parseUser(status: number, json: Record<string, unknown>): DomoUser {
  const bad = (detail: string) =>
    new DomoError({ call: USER_CALL, kind: 'response', detail: `HTTP ${status} ${detail}` });
  if (status !== 200) throw bad('where 200 was expected');
  if (json.id === undefined || json.id === null) throw bad('without a user id');
  const id = numericId(json.id);
  if (!id) throw bad('with a user id that is not a number');
  const name = typeof json.displayName === 'string' ? json.displayName : '';
  const control = controlIn(name);
  if (control)
    throw bad(
      `with a \`displayName\` that contains a line break or control character (${control})`,
    );
  return { id, name };
}

const REFUSED: Record<CredentialSource | 'session', string> = {
  'developer-token':
    'Domo refused `developer-token`: the token has expired or been revoked, or it was made on another instance than `instance`. Make a new one in Admin > Security > Access tokens and update the secret.',
  'session-token':
    'Domo refused `session-token`: the session has expired or been revoked, or it is of another instance than `instance`. Sign on again for a fresh one, or use `developer-token`, which outlives a session.',
  username:
    'Domo refused the session that signing on with `username` + `password` gave: it has expired or been revoked, or it is of another instance than `instance`. Check `instance`, or use `developer-token`.',
  'session-cookie':
    'Domo refused the session that `session-cookie` gave: it has expired or been revoked, or it is of another instance than `instance`. Copy a fresh `_dsidv1` cookie, or use `developer-token`.',
  session:
    'Domo refused the session: it has expired or been revoked, or it is of another instance than `instance`.',
};

/** Advice for a failed user check, naming the input the credential came from. */
export function userHint(err: DomoError, source: CredentialSource | 'session'): string | undefined {
  if (err.kind === 'response') {
    return "Something other than Domo's instance API may have answered: check `instance`.";
  }
  if (err.kind !== 'http') return transportHint(err);
  switch (err.status) {
    case 401:
    case 403:
      return REFUSED[source];
    case 404:
      return 'Nothing answers at this address: check `instance`.';
    case 429:
      return 'Domo is rate-limiting: raise `retries`, or re-run the job later.';
    default:
      return (err.status ?? 0) >= 500
        ? 'Domo had a server error: re-run the job later.'
        : undefined;
  }
}
