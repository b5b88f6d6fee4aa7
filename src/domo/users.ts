/**
 * Who a developer token acts as: `GET /api/content/v2/users/me` on the instance, the check
 * Domo's own app CLI makes when it is given a token. A read: it changes nothing on Domo.
 */
import { DomoError } from '../errors.js';
import { jsonObject, send, type Transport } from '../http.js';
import { scrub } from '../secrets.js';

export const USER_CALL = 'Domo user check (GET /api/content/v2/users/me)';

export interface DomoUser {
  /** The user's id, as text. */
  id: string;
}

/** One attempt: the user the developer token acts as, or a DomoError saying why not. */
export async function currentUser(
  transport: Transport,
  instanceUrl: string,
  developerToken: string,
): Promise<DomoUser> {
  const response = await send(transport, USER_CALL, {
    method: 'GET',
    url: `${instanceUrl}/api/content/v2/users/me`,
    headers: { 'x-domo-developer-token': developerToken },
  });
  const json = jsonObject(USER_CALL, response);
  // Domo answers with the user under `id`; some of its answers elsewhere say `userId`.
  const id = [json.id, json.userId].find(
    (v) => typeof v === 'number' || (typeof v === 'string' && v.trim()),
  );
  if (id === undefined) {
    throw new DomoError({
      call: USER_CALL,
      kind: 'response',
      detail: `HTTP ${response.status} without a user id`,
    });
  }
  return { id: scrub(String(id), 100) };
}
