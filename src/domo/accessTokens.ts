/**
 * The instance's access (developer) tokens, as Admin > Security > Access tokens shows them:
 * `/api/data/v1/accesstokens`. Domo does not document this API; community libraries and admin
 * scripts that manage real instances use it, with a session or a developer token.
 */
import { DomoError } from '../errors.js';
import { jsonList, jsonObject, send, type HttpResponse, type Transport } from '../http.js';
import { mayHaveActed } from '../retry.js';
import { MIN_FRAGMENT_LENGTH, remember } from '../secrets.js';
import { authHeaders, type InstanceAuth } from './auth.js';
import { numericId } from './clients.js';
import { transportHint } from './hints.js';

export const MINT_CALL = 'Domo access token creation (POST /api/data/v1/accesstokens)';
export const LIST_TOKENS_CALL = 'Domo access token list (GET /api/data/v1/accesstokens)';
export const REVOKE_TOKEN_CALL =
  'Domo access token revocation (DELETE /api/data/v1/accesstokens/{id})';

const PATH = '/api/data/v1/accesstokens';

/** Told every token value an answer holds, before anything else reads the answer. */
export type OnSecret = (value: string) => void;

/**
 * A transport that hands `onSecret` every `token` value in an answer's raw text, whatever its
 * status and whether or not it parses: an answer cut off mid-JSON is quoted in the error, and
 * the token in it must be known before that.
 */
function revealing(transport: Transport, onSecret: OnSecret): Transport {
  return async (request) => {
    const response: HttpResponse = await transport(request);
    for (const match of response.body.matchAll(/"token"\s*:\s*"((?:[^"\\]|\\.)*)/g)) {
      let value = match[1] ?? '';
      try {
        value = JSON.parse(`"${value}"`) as string;
      } catch {
        // Cut off inside an escape: the raw text is what would be quoted.
      }
      secret(value, onSecret);
    }
    return response;
  };
}

function secret(value: string, onSecret: OnSecret): void {
  // A value of a few characters would be masked in every word that holds it; such a token is
  // refused instead (see mintAccessToken).
  if (value.trim().length < MIN_FRAGMENT_LENGTH) return;
  remember(value);
  onSecret(value);
}

export interface NewAccessToken {
  name: string;
  /** The owner's user id: digits. */
  ownerId: string;
  /** When it expires, in epoch milliseconds. */
  expiresMs: number;
}

export interface MintedToken {
  id: string;
  token: string;
  name: string;
  /** As Domo answered it when it answered a number, else as asked. */
  expiresMs: number;
}

export interface MintOptions {
  /** Masks a token with the runner (log.mask): called before the rest of the answer is judged. */
  onSecret: OnSecret;
  /** The credential is a developer token (else a session), for the advice on a refusal. */
  sourceIsDeveloperToken: boolean;
}

/** One minting attempt. Not idempotent: the caller retries with safety 'creates'. */
export async function mintAccessToken(
  transport: Transport,
  instanceUrl: string,
  auth: InstanceAuth,
  wanted: NewAccessToken,
  options: MintOptions,
): Promise<MintedToken> {
  if (!/^\d{1,20}$/.test(wanted.ownerId)) throw new Error('ownerId must be a user id (digits)');
  if (!Number.isSafeInteger(wanted.expiresMs) || wanted.expiresMs <= 0) {
    throw new Error('expiresMs must be a time in epoch milliseconds');
  }
  // The id as Domo gave it, as a JSON number: no rounding through a double.
  const owner = wanted.ownerId.replace(/^0+(?=\d)/, '');
  const body = `{"name":${JSON.stringify(wanted.name)},"ownerId":${owner},"expires":${wanted.expiresMs}}`;
  try {
    const response = await send(revealing(transport, options.onSecret), MINT_CALL, {
      method: 'POST',
      url: `${instanceUrl}${PATH}`,
      headers: { ...authHeaders(auth), 'content-type': 'application/json' },
      body,
    });
    return parseMinted(response.status, jsonObject(MINT_CALL, response), wanted, options);
  } catch (err) {
    if (err instanceof DomoError && !err.hint) {
      err.update({ hint: mintHint(err, wanted, options.sourceIsDeveloperToken) });
    }
    throw err;
  }
}

function parseMinted(
  status: number,
  json: Record<string, unknown>,
  wanted: NewAccessToken,
  options: MintOptions,
): MintedToken {
  const token = json.token;
  // Masked before anything is judged: a token refused below is still live on Domo.
  if (typeof token === 'string') secret(token, options.onSecret);
  const id = numericId(json.id);
  const bad = (problem: string) =>
    new DomoError({
      call: MINT_CALL,
      kind: 'response',
      detail: `HTTP ${status} ${problem}${id ? ` (token id ${id})` : ''}`,
    });
  if (status !== 200 && status !== 201) throw bad('where 200 or 201 was expected');
  if (typeof token !== 'string' || !token) throw bad('without a `token`');
  if (/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(token)) {
    throw bad('with a `token` that contains spaces or control characters');
  }
  if (token.length < MIN_FRAGMENT_LENGTH) {
    throw bad(`with a \`token\` too short to mask (${token.length} characters)`);
  }
  if (!id) throw bad('without a numeric `id`');
  return { id, token, name: wanted.name, expiresMs: epochMs(json.expires) ?? wanted.expiresMs };
}

function epochMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Advice for a failed mint. */
export function mintHint(
  err: DomoError,
  wanted: NewAccessToken,
  sourceIsDeveloperToken: boolean,
): string | undefined {
  if (err.kind === 'response') {
    return "Something other than Domo's instance API may have answered: check `instance`.";
  }
  if (err.kind !== 'http') return transportHint(err);
  switch (err.status) {
    case 400:
      return `Domo refused the token's settings: most likely the owner (user ${wanted.ownerId}) or the lifetime, which this instance may not allow: try fewer \`job-token-hours\`.`;
    case 401:
    case 403: {
      const grant =
        'This user may not create access tokens on this instance (Domo gives that to admins and to the "Manage all access tokens" grant).';
      return sourceIsDeveloperToken
        ? `${grant} Give that user the grant, or set \`job-token: false\` to hand \`developer-token\` to later steps as it is.`
        : `${grant} Give that user the grant, or, without it, use \`developer-token\` (made in Admin > Security > Access tokens) with \`job-token: false\`.`;
    }
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

/**
 * After a failure that Domo may have acted on (a 2xx whose body is unusable included), say
 * which token may now exist, so that a person can revoke it: minting again could leave two.
 */
export function warnOfOrphanToken(err: unknown, name: string): unknown {
  if (!(err instanceof DomoError)) return err;
  if (err.kind !== 'response' && !mayHaveActed(err)) return err;
  const also = err.hint ? ` ${err.hint}` : '';
  return err.update({
    hint: `Domo may have created the access token "${name}" anyway; it was not retried, to avoid a second one. Look for it in Admin > Security > Access tokens and revoke it.${also}`,
  });
}

/** An entry of the instance's list of access tokens. Token values are never kept. */
export interface ListedAccessToken {
  /** The numeric id to revoke it by; undefined when the list shows none that is usable. */
  id: string | undefined;
  /** The id as the list shows it (JSON, cut short), to name an unusable one. */
  shownId: string;
  name: string | undefined;
  /** The owner's user id (digits), when the list shows one. */
  ownerId: string | undefined;
  /** When it expires, in epoch milliseconds, when the list shows a number. */
  expiresMs: number | undefined;
}

export async function listAccessTokens(
  transport: Transport,
  instanceUrl: string,
  auth: InstanceAuth,
  onSecret: OnSecret = () => {},
): Promise<ListedAccessToken[]> {
  try {
    // Domo is not known to list token values; were it ever to, none may show.
    const response = await send(revealing(transport, onSecret), LIST_TOKENS_CALL, {
      method: 'GET',
      url: `${instanceUrl}${PATH}`,
      headers: authHeaders(auth),
    });
    const entries = jsonList(LIST_TOKENS_CALL, response);
    return entries.map((entry): ListedAccessToken => {
      // Object() makes null and other non-objects an empty entry, which matches nothing.
      const o: Record<string, unknown> = Object(entry);
      return {
        // A path segment: only digits, never `..`, `/` or a sign, may go into the DELETE's URL.
        id: numericId(o.id) || undefined,
        shownId: (JSON.stringify(o.id) ?? 'none').slice(0, 40),
        name: typeof o.name === 'string' ? o.name : undefined,
        ownerId: numericId(o.ownerId) || undefined,
        expiresMs: epochMs(o.expires),
      };
    });
  } catch (err) {
    if (err instanceof DomoError && !err.hint) err.update({ hint: tokensHint(err) });
    throw err;
  }
}

export type RevokeOutcome = 'deleted' | 'not-found';

/** Revokes by numeric id. Domo answers 400 (or 404) for an id it does not have. */
export async function revokeAccessToken(
  transport: Transport,
  instanceUrl: string,
  auth: InstanceAuth,
  id: string,
): Promise<RevokeOutcome> {
  if (!/^\d{1,20}$/.test(id)) throw new Error('an access token id is digits');
  try {
    await send(transport, REVOKE_TOKEN_CALL, {
      method: 'DELETE',
      url: `${instanceUrl}${PATH}/${encodeURIComponent(id)}`,
      headers: authHeaders(auth),
    });
    return 'deleted';
  } catch (err) {
    if (err instanceof DomoError && (err.status === 400 || err.status === 404)) return 'not-found';
    if (err instanceof DomoError && !err.hint) err.update({ hint: tokensHint(err) });
    throw err;
  }
}

/** Advice for a failed list or revocation. */
export function tokensHint(err: DomoError): string | undefined {
  if (err.kind === 'response') {
    return "Something other than Domo's instance API may have answered: check `instance`.";
  }
  if (err.kind !== 'http') return transportHint(err);
  switch (err.status) {
    case 401:
    case 403:
      return 'Domo refused: the credential has expired or been revoked, or its user may not manage access tokens (admins and the "Manage all access tokens" grant may).';
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
