/**
 * The instance's API clients, as Domo's admin pages see them (Admin > Security > Access
 * tokens): `/api/identity/v1/developer-tokens` on the instance. Domo does not document this
 * API, but its admin pages and the community libraries that manage real instances use it; it
 * is the only way to revoke a client, and the way to create one from a developer token.
 */
import { DomoError } from '../errors.js';
import { jsonList, send, type HttpRequest, type Transport } from '../http.js';
import { authHeaders, type InstanceAuth } from './auth.js';
import { create, numericId, type CreatedClient, type NewClient } from './clients.js';

export const CREATE_CALL = 'Domo client creation (POST /api/identity/v1/developer-tokens)';
export const LIST_CALL = 'Domo API client list (GET /api/identity/v1/developer-tokens)';
export const REVOKE_CALL =
  'Domo API client revocation (DELETE /api/identity/v1/developer-tokens/{id})';

// Callers that still import it from here.
export type { InstanceAuth };

const PATH = '/api/identity/v1/developer-tokens';

/** One creation attempt with a developer token. Not idempotent: the caller decides on retries. */
export async function createWithDeveloperToken(
  transport: Transport,
  instanceUrl: string,
  developerToken: string,
  client: NewClient,
): Promise<CreatedClient> {
  const request: HttpRequest = {
    method: 'POST',
    url: `${instanceUrl}${PATH}`,
    headers: { 'x-domo-developer-token': developerToken, 'content-type': 'application/json' },
    // `scopes`, plural, on this route (`scope` on api.domo.com/clients).
    body: JSON.stringify({
      name: client.name,
      description: client.description,
      scopes: client.scopes,
    }),
  };
  return create(transport, CREATE_CALL, request, client, 'developer-token', {
    id: 'clientId',
    secret: 'clientSecret',
    listId: 'id',
  });
}

/** An entry of the instance's list of API clients. */
export interface ListedClient {
  /** The numeric id to revoke it by; undefined when the list shows none that is usable. */
  id: string | undefined;
  /** The id as the list shows it (JSON, cut short), to name an unusable one. */
  shownId: string;
  /** As the list shows it, which may be shortened. */
  clientId: string | undefined;
  name: string | undefined;
  description: string | undefined;
}

export async function listClients(
  transport: Transport,
  instanceUrl: string,
  auth: InstanceAuth,
): Promise<ListedClient[]> {
  const response = await send(transport, LIST_CALL, {
    method: 'GET',
    url: `${instanceUrl}${PATH}`,
    headers: authHeaders(auth),
  });
  const entries = jsonList(LIST_CALL, response);
  return entries.map((entry): ListedClient => {
    // Object() makes null and other non-objects an empty entry, which matches nothing.
    const o: Record<string, unknown> = Object(entry);
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return {
      // A path segment: only digits, never `..`, `/` or a sign, may go into the DELETE's URL.
      id: numericId(o.id) || undefined,
      shownId: (JSON.stringify(o.id) ?? 'none').slice(0, 40),
      clientId: text([o.clientId, o.client_id].find((v) => typeof v === 'string')),
      name: text(o.name),
      description: text(o.description),
    };
  });
}

/** What the action knows of the client it created. */
export interface ClientTarget {
  clientId: string;
  name: string;
  /** The numeric id, when creation told it. */
  listId: string;
}

/**
 * The entry for `target`: the one with its numeric id or its client id; where no entry shows
 * that client id (the admin pages' list may show it shortened), the one with its name, but
 * only when that entry shows no client id or a shortened form of this one. A name is taken
 * again once its client is deleted: an entry of that name with another full client id is
 * someone else's client, never this job's.
 */
export function findListed(list: ListedClient[], target: ClientTarget): ListedClient | undefined {
  // An entry the action can revoke before one it cannot, where a list shows the client twice.
  const entries = [...list.filter((e) => e.id), ...list.filter((e) => !e.id)];
  return (
    entries.find(
      // An unknown listId ('') matches no entry: a listed id is never empty.
      (e) => e.id === target.listId || e.clientId === target.clientId,
    ) ?? entries.find((e) => e.name === target.name && shortenedFrom(e.clientId, target.clientId))
  );
}

/** Whether a listed client id is absent, or a leading part of `full` (with `…` or `...`). */
export function shortenedFrom(shown: string | undefined, full: string): boolean {
  if (shown === undefined || shown === '') return true;
  const head = shown.replace(/(\u2026|\.\.\.)$/, '');
  return head !== '' && head.length < full.length && full.startsWith(head);
}

export type RevokeOutcome = 'deleted' | 'not-found';

/** Revokes by numeric id. Domo answers 400 (or 404) for an id it does not have. */
export async function revokeClient(
  transport: Transport,
  instanceUrl: string,
  auth: InstanceAuth,
  id: string,
): Promise<RevokeOutcome> {
  try {
    await send(transport, REVOKE_CALL, {
      method: 'DELETE',
      url: `${instanceUrl}${PATH}/${encodeURIComponent(id)}`,
      headers: authHeaders(auth),
    });
    return 'deleted';
  } catch (err) {
    if (err instanceof DomoError && (err.status === 400 || err.status === 404)) return 'not-found';
    throw err;
  }
}
