/** API clients on api.domo.com: created from a session, deleted the same way. */
import { DomoError } from '../errors.js';
import { jsonObject, send, type Transport } from '../http.js';
import { mayHaveActed } from '../retry.js';
import { transportHint } from './hints.js';

export const CREATE_CALL = 'Domo client creation (POST /clients)';
export const DELETE_CALL = 'Domo client deletion (DELETE /clients/{id})';

export interface SessionHeaders {
  sessionToken: string;
  /** The instance's host name, e.g. acmecompany.domo.com. */
  customerDomain: string;
}

export interface CreatedClient {
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: string[];
}

function sessionHeaders(session: SessionHeaders): Record<string, string> {
  return {
    'x-domo-authentication': session.sessionToken,
    'x-domo-customerdomain': session.customerDomain,
  };
}

/** One creation attempt. Not idempotent: the caller decides what may be retried. */
export async function createClient(
  transport: Transport,
  apiUrl: string,
  session: SessionHeaders,
  client: { name: string; scopes: string[] },
): Promise<CreatedClient> {
  try {
    const response = await send(transport, CREATE_CALL, {
      method: 'POST',
      url: `${apiUrl}/clients`,
      headers: { ...sessionHeaders(session), 'content-type': 'application/json' },
      body: JSON.stringify({ name: client.name, scope: client.scopes }),
    });
    const json = jsonObject(CREATE_CALL, response);
    const { client_id: clientId, client_secret: clientSecret } = json;
    if (
      typeof clientId !== 'string' ||
      !clientId ||
      typeof clientSecret !== 'string' ||
      !clientSecret
    ) {
      throw new DomoError({
        call: CREATE_CALL,
        kind: 'response',
        detail: `HTTP ${response.status} without a client_id and client_secret`,
      });
    }
    const scopes = Array.isArray(json.scope)
      ? json.scope.filter((s): s is string => typeof s === 'string')
      : client.scopes;
    return { clientId, clientSecret, name: client.name, scopes };
  } catch (err) {
    if (err instanceof DomoError && !err.hint) err.update({ hint: createHint(err) });
    throw err;
  }
}

export function createHint(err: DomoError): string | undefined {
  switch (err.status) {
    case 400:
      return 'Domo rejected the new client: check `client-name` (it may be taken) and `scope`.';
    case 401:
      return 'The Domo session is not valid: the session token (or the sign-on behind it) has expired, or `instance` names another instance.';
    case 403:
      return 'The user needs the "Create API OAuth Clients" grant in Domo (Admin > Roles).';
    case 404:
      return 'Nothing answers at this address: check `api-url`.';
    case 429:
      return 'Domo is rate-limiting: raise `retries`, or re-run the job later.';
    default:
      if (err.kind !== 'http') return transportHint(err);
      return (err.status ?? 0) >= 500
        ? 'Domo had a server error: re-run the job later.'
        : undefined;
  }
}

/**
 * After a failure that Domo may have acted on, say which client may now exist, so that a
 * person can find and revoke it: retrying blindly could leave two.
 */
export function warnOfOrphan(err: unknown, name: string): unknown {
  if (!(err instanceof DomoError)) return err;
  if (err.kind !== 'response' && !mayHaveActed(err)) return err;
  const also = err.hint ? ` ${err.hint}` : '';
  return err.update({
    hint: `Domo may have created the client "${name}" anyway; it was not retried, to avoid a duplicate. Look for it in Domo's developer portal (My Account > Clients) or Admin > Security > Access tokens, and delete it.${also}`,
  });
}

export type DeleteOutcome = 'deleted' | 'unsupported';

/**
 * Domo documents no delete call for clients; 404 and 405 mean "not here", and the caller
 * falls back to the instance's developer-tokens API.
 */
export async function deleteClient(
  transport: Transport,
  apiUrl: string,
  session: SessionHeaders,
  clientId: string,
): Promise<DeleteOutcome> {
  try {
    await send(transport, DELETE_CALL, {
      method: 'DELETE',
      url: `${apiUrl}/clients/${encodeURIComponent(clientId)}`,
      headers: sessionHeaders(session),
    });
    return 'deleted';
  } catch (err) {
    if (err instanceof DomoError && (err.status === 404 || err.status === 405))
      return 'unsupported';
    throw err;
  }
}
