/** API clients on api.domo.com, created from a Domo session. */
import { DomoError } from '../errors.js';
import { jsonObject, send, type HttpRequest, type Transport } from '../http.js';
import { mayHaveActed } from '../retry.js';
import { transportHint } from './hints.js';

export const CREATE_CALL = 'Domo client creation (POST /clients)';

export interface SessionHeaders {
  sessionToken: string;
  /** The instance's host name, e.g. acmecompany.domo.com. */
  customerDomain: string;
}

export interface NewClient {
  name: string;
  description: string;
  scopes: string[];
}

export interface CreatedClient {
  clientId: string;
  clientSecret: string;
  name: string;
  /** The numeric id the instance lists it under, when creation told it ('' if not). */
  listId: string;
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
  client: NewClient,
): Promise<CreatedClient> {
  const request: HttpRequest = {
    method: 'POST',
    url: `${apiUrl}/clients`,
    headers: { ...sessionHeaders(session), 'content-type': 'application/json' },
    body: JSON.stringify({
      name: client.name,
      description: client.description,
      scope: client.scopes,
    }),
  };
  // No numeric id on this route: the post step finds the client in the instance's list.
  return create(transport, CREATE_CALL, request, client, 'session', {
    id: 'client_id',
    secret: 'client_secret',
  });
}

/**
 * Sends one creation request, on either route, and reads the new client from the answer under
 * that route's names; any failure gets that route's advice.
 */
export async function create(
  transport: Transport,
  call: string,
  request: HttpRequest,
  client: NewClient,
  route: 'session' | 'developer-token',
  keys: { id: string; secret: string; listId?: string },
): Promise<CreatedClient> {
  try {
    const response = await send(transport, call, request);
    const json = jsonObject(call, response);
    const [clientId, clientSecret] = [json[keys.id], json[keys.secret]];
    if (
      typeof clientId !== 'string' ||
      !clientId ||
      typeof clientSecret !== 'string' ||
      !clientSecret
    ) {
      throw new DomoError({
        call,
        kind: 'response',
        detail: `HTTP ${response.status} without a ${keys.id} and ${keys.secret}`,
      });
    }
    const listId = keys.listId === undefined ? '' : numericId(json[keys.listId]);
    return { clientId, clientSecret, name: client.name, listId };
  } catch (err) {
    if (err instanceof DomoError && !err.hint) {
      err.update({ hint: createHint(err, client.name, route) });
    }
    throw err;
  }
}

/** A numeric id as text, or '' when there is none (it goes into a URL path). */
export function numericId(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return typeof value === 'string' && /^\d{1,20}$/.test(value) ? value : '';
}

/** Advice for a failed creation, on either route (`session` or `developer-token`). */
export function createHint(
  err: DomoError,
  name: string,
  route: 'session' | 'developer-token',
): string | undefined {
  switch (err.status) {
    case 400:
      if (err.mentions('scope')) {
        return 'Domo refused a scope: ask only for scopes Domo knows (data, user, audit, dashboard, account, buzz, workflow) in `scope`.';
      }
      return `A Domo API client named "${name}" probably exists already: Domo refuses a second client of the same name. Set another \`client-name\`, or leave it empty for a name unique to each run (Domo also answers 400 for a scope it does not know: check \`scope\`).`;
    case 401:
      return route === 'developer-token'
        ? 'Domo refused the developer token: it has expired or been revoked, or it belongs to another instance than `instance`. Make a new one in Admin > Security > Access tokens and update the secret.'
        : 'The Domo session is not valid: the session token (or the sign-on behind it) has expired, or `instance` names another instance.';
    case 403:
      return route === 'developer-token'
        ? 'The developer token\'s owner may not create API clients: give that user the "Create API OAuth Clients" grant (Admin > Roles), or use a token of a user who has it.'
        : 'The user needs the "Create API OAuth Clients" grant in Domo (Admin > Roles).';
    case 404:
      return route === 'developer-token'
        ? 'Nothing answers at this address: check `instance`.'
        : 'Nothing answers at this address: check `api-url`.';
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
    hint: `Domo may have created the client "${name}" anyway; it was not retried, to avoid a duplicate. Look for it in Admin > Security > Access tokens (or Domo's developer portal, My Account > Clients) and delete it.${also}`,
  });
}
