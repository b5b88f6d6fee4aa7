/** The client-credentials token call: GET as Domo documents it, POST when Domo says 405. */
import { DomoError } from '../errors.js';
import { jsonObject, send, type Transport } from '../http.js';
import { MIN_FRAGMENT_LENGTH, remember } from '../secrets.js';
import { controlIn } from '../text.js';
import { transportHint } from './hints.js';

export const TOKEN_CALL = 'Domo token request';

export interface TokenRequest {
  apiUrl: string;
  /** base64(client_id:client_secret), already masked by the caller. */
  basicCredential: string;
  scopes: string[];
}

export interface Token {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  scope: string;
  customer: string;
  userId: string;
  role: string;
}

export function basicCredential(clientId: string, clientSecret: string): string {
  return Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');
}

export type TokenMethod = 'GET' | 'POST';

/**
 * One token attempt. With GET, a 405 is answered by sending the same request once more as a
 * form POST (some Domo SDKs POST); `onMethod` learns the switch so that retries POST directly.
 */
export async function requestToken(
  transport: Transport,
  request: TokenRequest,
  method: TokenMethod,
  onMethod: (method: TokenMethod) => void = () => {},
): Promise<Token> {
  const scope = request.scopes.join(' ');
  const headers = { authorization: `Basic ${request.basicCredential}` };
  const url = `${request.apiUrl}/oauth/token`;
  try {
    if (method === 'GET') {
      const query = `grant_type=client_credentials&scope=${encodeURIComponent(scope)}`;
      const response = await send(transport, TOKEN_CALL, {
        method: 'GET',
        url: `${url}?${query}`,
        headers,
      });
      return parseToken(jsonObject(TOKEN_CALL, response));
    }
  } catch (err) {
    if (!(err instanceof DomoError && err.status === 405)) throw withHint(err, scope);
    onMethod('POST');
  }
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope }).toString();
  try {
    const response = await send(transport, TOKEN_CALL, {
      method: 'POST',
      url,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return parseToken(jsonObject(TOKEN_CALL, response));
  } catch (err) {
    throw withHint(err, scope);
  }
}

/**
 * Checks the answer's shape: a token the action cannot vouch for is worse than none. Its fields
 * become outputs as Domo sent them, so a field with a line break or control character is
 * refused rather than altered (log lines and the summary clean what they quote themselves).
 */
export function parseToken(json: Record<string, unknown>): Token {
  const bad = (detail: string): DomoError =>
    new DomoError({
      call: TOKEN_CALL,
      kind: 'response',
      detail: `the answer is not a usable token: ${detail}`,
      hint: "Check that `api-url` points at Domo's public API (https://api.domo.com), not a proxy or an instance page.",
    });
  const accessToken = json.access_token;
  if (typeof accessToken !== 'string' || accessToken.trim() === '') {
    throw bad('`access_token` is missing or not a non-empty string');
  }
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(accessToken)) {
    throw bad('`access_token` contains spaces or control characters');
  }
  // A live credential from here on, even if the rest of the answer is refused: no error or
  // later line may show it (the caller masks it with the runner once the answer is accepted).
  // Not a "token" of a few characters, though, which would be redacted from every word.
  if (accessToken.length >= MIN_FRAGMENT_LENGTH) remember(accessToken);
  const expiresIn = asSeconds(json.expires_in);
  if (expiresIn === 0) throw bad('`expires_in` is 0: a token must live at least 1 s');
  if (expiresIn === undefined) {
    throw bad('`expires_in` is missing, not a whole number of seconds, or beyond 100 years');
  }
  /** A string or number field as text ('' for anything else); one line, or refused. */
  const text = (key: string, value: unknown): string => {
    // JSON has no NaN or Infinity: any number is digits.
    const said = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
    const control = controlIn(said);
    if (control) throw bad(`\`${key}\` contains a line break or control character (${control})`);
    return said;
  };
  const userKey = json.userId !== undefined && json.userId !== null ? 'userId' : 'user_id';
  return {
    accessToken,
    tokenType: text('token_type', json.token_type) || 'bearer',
    expiresIn,
    scope: Array.isArray(json.scope)
      ? json.scope
          .map((s) => (typeof s === 'string' ? text('scope', s) : ''))
          .filter(Boolean)
          .join(' ')
      : text('scope', json.scope),
    customer: text('customer', json.customer),
    userId: text(userKey, json[userKey]),
    role: text('role', json.role),
  };
}

const MAX_LIFETIME_S = 100 * 366 * 24 * 3600;

function asSeconds(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  // A lifetime past 100 years is no answer Domo gives, and dating it would overflow Date.
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_LIFETIME_S
    ? n
    : undefined;
}

function withHint(err: unknown, scope: string): unknown {
  if (!(err instanceof DomoError) || err.hint) return err;
  return err.update({ hint: tokenHint(err, scope) });
}

export function tokenHint(err: DomoError, scope: string): string | undefined {
  if (err.kind !== 'http') return transportHint(err);
  switch (err.status) {
    case 400:
      if (err.mentions('scope')) {
        return `The client was not granted every scope asked for ("${scope}"): ask only for scopes the client has (\`scope\`), or give the client those scopes in Domo's developer portal (My Account > Clients).`;
      }
      return `Domo rejected the request: check \`scope\` ("${scope}").`;
    case 401:
      return "Check `client-id` and `client-secret`: copy both again from Domo's developer portal (My Account > Clients); the client may have been deleted or its secret regenerated.";
    case 403:
      return "The client may not get this token: check the client's scopes and that its user is still active.";
    case 404:
      return 'Nothing answers at this address: check `api-url` (default https://api.domo.com).';
    case 405:
      return 'Domo refused both GET and POST for the token: check `api-url`.';
    case 429:
      return 'Domo is rate-limiting token requests: raise `retries`, or stagger jobs that start together.';
    default:
      return (err.status ?? 0) >= 500
        ? 'Domo (or a gateway in front of it) had a server error: re-run the job later.'
        : undefined;
  }
}
