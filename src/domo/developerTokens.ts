/**
 * The instance API behind Domo's admin pages (Admin > Security > Access tokens). Domo does not
 * document it; it is the fallback for revoking a client when DELETE /clients is not there.
 */
import { DomoError } from '../errors.js';
import { jsonObject, send, type Transport } from '../http.js';

export const LIST_CALL = 'Domo developer-token list (GET /api/identity/v1/developer-tokens)';
export const REVOKE_CALL =
  'Domo developer-token revocation (DELETE /api/identity/v1/developer-tokens/{id})';

export interface DeveloperToken {
  id: string;
  clientId: string | undefined;
  name: string | undefined;
}

export async function listDeveloperTokens(
  transport: Transport,
  instanceUrl: string,
  sessionToken: string,
): Promise<DeveloperToken[]> {
  const response = await send(transport, LIST_CALL, {
    method: 'GET',
    url: `${instanceUrl}/api/identity/v1/developer-tokens`,
    headers: { 'x-domo-authentication': sessionToken },
  });
  const json: unknown = jsonObject(LIST_CALL, response);
  const entries = Array.isArray(json) ? json : (json as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) {
    throw new DomoError({
      call: LIST_CALL,
      kind: 'response',
      detail: 'the answer is neither a list nor an object with `entries`',
    });
  }
  return entries.flatMap((entry): DeveloperToken[] => {
    if (!entry || typeof entry !== 'object') return [];
    const o = entry as Record<string, unknown>;
    const id = typeof o.id === 'number' || typeof o.id === 'string' ? String(o.id) : '';
    if (!id) return [];
    const clientId = [o.clientId, o.client_id, o.apiClientId].find((v) => typeof v === 'string');
    return [
      {
        id,
        clientId: clientId as string | undefined,
        name: typeof o.name === 'string' ? o.name : undefined,
      },
    ];
  });
}

export function findByClientId(
  tokens: DeveloperToken[],
  clientId: string,
): DeveloperToken | undefined {
  return tokens.find((token) => token.clientId === clientId);
}

export async function revokeDeveloperToken(
  transport: Transport,
  instanceUrl: string,
  sessionToken: string,
  id: string,
): Promise<void> {
  await send(transport, REVOKE_CALL, {
    method: 'DELETE',
    url: `${instanceUrl}/api/identity/v1/developer-tokens/${encodeURIComponent(id)}`,
    headers: { 'x-domo-authentication': sessionToken },
  });
}
