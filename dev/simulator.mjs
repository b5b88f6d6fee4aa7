// @ts-check
/**
 * A local stand-in for the Domo endpoints the action talks to (token, sign-on, client
 * creation, the instance's list of API clients and their revocation, who a credential acts
 * as, access tokens), and for the app-design calls `domo publish` makes, with faults that can
 * be switched on per route. One server plays both api.domo.com and the instance host. It
 * answers as Domo's documents and the public code that manages real instances show: the token
 * call as documented; the instance API (`/api/identity/v1/developer-tokens` and
 * `/api/data/v1/accesstokens`, undocumented) as the community libraries that use it describe
 * it; the design calls as Domo's CLI (npm package ryuu) sends them and reads their answers.
 * Where Domo is silent it answers the way Spring Security OAuth2 (Domo's gateway) would.
 * docs/provision-mode.md says which is which.
 *
 * Node built-ins only: CI starts it before `npm ci`, and the benchmark must not pay for
 * dependencies on the server side.
 */
import http from 'node:http';
import https from 'node:https';
import { randomBytes, randomUUID } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * @typedef {'token' | 'signon' | 'create-client' | 'delete-client' | 'create-dev-token'
 *   | 'list-dev-tokens' | 'delete-dev-token' | 'users-me' | 'list-access-tokens'
 *   | 'create-access-token' | 'delete-access-token' | 'create-design' | 'get-design'
 *   | 'upload-asset' | 'github-run' | 'api' | 'unknown'} RouteName
 */

/**
 * @typedef {'status' | 'retry-after' | 'html' | 'malformed' | 'body' | 'huge' | 'hang' | 'slow'
 *   | 'trickle' | 'reset' | 'redirect' | 'act-then-fail'} FaultKind
 */

/**
 * @typedef {object} FaultSpec
 * @property {FaultKind} kind
 * @property {number} [times] Requests the fault applies to; default 1; Infinity or -1 = forever.
 * @property {number} [status] status, html (502), retry-after (429), redirect (302), body (200).
 * @property {unknown} [body] status: object → JSON, string as is; body: sent verbatim (objects
 *   as JSON).
 * @property {Record<string, string>} [headers] Extra response headers (status, retry-after,
 *   html, body, redirect).
 * @property {string | number} [value] retry-after: the Retry-After header value; default '1'.
 * @property {number} [bytes] huge: body size; default 5 MB.
 * @property {number} [ms] slow: delay before the normal answer (default 1000); trickle: ms per
 *   byte (default 500).
 * @property {string} [location] redirect: Location; default the same path on
 *   http://127.0.0.1:1.
 * @property {'reset' | 'hang' | number} [then] act-then-fail: what replaces the answer; default
 *   'reset'.
 */

/**
 * @typedef {object} SimApiClient
 * @property {string} id
 * @property {string} secret
 * @property {string[]} scope
 * @property {number} [userId]
 * @property {string} [role]
 */

/**
 * @typedef {object} SimUser
 * @property {string} email
 * @property {string} password
 * @property {number} userId
 * @property {string} [displayName] users/me's `displayName`; `User <id>` when absent.
 * @property {boolean} [locked]
 */

/**
 * A run attempt as GitHub shows it: its status, { status, conclusion?, attemptMissing? }, or
 * { httpStatus, message? } (see githubRuns).
 * @typedef {string | {
 *   status?: unknown, conclusion?: unknown, attemptMissing?: boolean,
 *   httpStatus?: number, message?: string
 * }} GithubRun
 */

/**
 * @typedef {object} SimulatorOptions
 * @property {string} [host]
 * @property {number} [port]
 * @property {{ key: string | Buffer, cert: string | Buffer, [option: string]: unknown }} [tls]
 *   PEM key and certificate: serve HTTPS. Other https.createServer options pass through.
 * @property {string} [customer]
 * @property {SimApiClient[]} [clients]
 * @property {SimUser[]} [users]
 * @property {Record<string, number>} [cookies] Valid `_dsidv1` cookie values → userId.
 * @property {Array<string | { token: string, userId?: number }>} [sessions] Session tokens
 *   valid from the start (user 964382593 unless given as an object).
 * @property {Record<string, number>} [developerTokens] Valid developer tokens
 *   (X-DOMO-Developer-Token) → userId. Access tokens minted through /api/data/v1/accesstokens
 *   (or seeded with addAccessTokens) are accepted as well, until they expire or are deleted.
 * @property {number[]} [grantless] User ids without the "Create API OAuth Clients" and "Manage
 *   all access tokens" grants: creating a client, and listing, minting or deleting access
 *   tokens, is a 403.
 * @property {'allowed' | 'refused'} [developerTokenCreate] 'refused': a valid developer token
 *   may not create clients (403), though it still works elsewhere (users/me, the list,
 *   revocation); 'allowed' by default.
 * @property {'allowed' | 'refused'} [accessTokenCreate] 'refused': minting an access token is a
 *   403 for every credential; 'allowed' by default.
 * @property {'any' | 'whole-days'} [accessTokenLifetime] 'whole-days': a minted token's
 *   lifetime (`expires` minus the time the request arrived) must be a whole number of days,
 *   give or take a minute, or the answer is a 400; 'any' (default) takes any future time.
 * @property {number | null} [accessTokenMaxDays] Longest lifetime of a minted token in days
 *   (longer: 400); null (default): no limit.
 * @property {400 | 404} [accessTokenUnknownId] The answer to deleting an access token the
 *   instance does not have: 400 (default) or 404.
 * @property {'both' | 'GET' | 'POST'} [tokenMethods]
 * @property {'ok' | 400 | 401 | 403 | 404 | 405} [clientDelete] The answer to
 *   DELETE /clients/{id}, which no public code uses: 404 by default.
 * @property {'array' | 'entries'} [listShape] The instance's API-client list: a bare array
 *   (default, as since 2025) or `{ entries }`.
 * @property {'full' | 'shortened'} [listClientIds] Client ids in that list: in full (default)
 *   or shortened, as the admin pages show them.
 * @property {{ perSecond?: number, retryAfter?: string | number } | null} [rateLimit]
 * @property {string} [githubRepository] GitHub: the repository whose runs it shows (default
 *   octo-org/octo-repo, the emulator's).
 * @property {Record<string, GithubRun>} [githubRuns] GitHub: run attempts ("RUN_ID.ATTEMPT") →
 *   status, or { status, conclusion }; an attempt not listed answers 404, as a deleted run
 *   does; { httpStatus } answers that status every time; attemptMissing: the attempt answers
 *   404 while the run (GET .../runs/{id}) shows it. Default: the emulator's run 4242.1, in
 *   progress.
 * @property {Record<string, 'read' | 'no-actions' | 'no-repo'>} [githubTokens] GitHub tokens:
 *   'read' reads the runs, 'no-actions' gets 403 (no `actions: read`), 'no-repo' 404 (cannot
 *   see the repository); any other token gets 401. Default: JOB_TOKEN reads.
 * @property {number} [tokenTtl]
 * @property {'jwt' | 'opaque'} [tokenFormat]
 * @property {boolean} [log]
 */

/**
 * @typedef {object} RecordedRequest
 * @property {RouteName} route
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {Record<string, string>} headers Lower-case names; repeated headers joined with ', '
 *   (cookies with '; ').
 * @property {string} body
 * @property {unknown} json The body parsed as JSON, or undefined when it is not JSON.
 * @property {number} at
 */

/**
 * @typedef {object} CreatedClient
 * @property {string} client_id
 * @property {string} client_secret
 * @property {string} name
 * @property {string[]} scope
 * @property {number} user
 * @property {number} tokenId The developer-token id that /api/identity/v1/developer-tokens
 *   lists it under.
 * @property {boolean} deleted
 * @property {string | undefined} description Absent for a client made without one.
 * @property {string} created ISO-8601 time of creation.
 * @property {'session' | 'developer-token' | 'seed'} via The route that created it.
 */

/**
 * @typedef {object} SimAccessToken
 * @property {number} id The numeric id the list shows and DELETE takes.
 * @property {string} name
 * @property {number} ownerId
 * @property {number} expires Epoch milliseconds.
 * @property {string} token The value, shown by Domo only in the answer that minted it.
 * @property {boolean} deleted
 * @property {string} created ISO-8601 time of creation.
 * @property {'session' | 'developer-token' | 'seed'} via The credential that minted it, or
 *   'seed' for addAccessTokens.
 */

/**
 * @typedef {object} SimDesignAsset
 * @property {string} version
 * @property {string} path
 * @property {number} bytes Size of the body as received (as UTF-8 text).
 * @property {string | undefined} contentType
 * @property {number} userId Who uploaded it (the user of the credential it carried).
 */

/**
 * An app design as `domo publish` made it. The credential each call carried: sim.requests.
 * @typedef {object} SimDesign
 * @property {string} id A UUID, which the CLI writes into manifest.json.
 * @property {string} name
 * @property {number} owner
 * @property {string} latestVersion
 * @property {Array<{ version: string, datasetsMapping: unknown[] }>} versions
 * @property {SimDesignAsset[]} assets The last upload of each (version, path).
 * @property {string} created
 */

/**
 * @typedef {object} SimulatorStats
 * @property {number} rateLimited
 * @property {number} tokensIssued
 */

/**
 * @typedef {object} Simulator
 * @property {string} url
 * @property {number} port
 * @property {RecordedRequest[]} requests
 * @property {CreatedClient[]} clients
 * @property {SimAccessToken[]} accessTokens Every access token minted or seeded since the start
 *   (or reset), deleted ones included.
 * @property {SimDesign[]} designs
 * @property {SimulatorStats} stats
 * @property {(route: RouteName, spec: FaultSpec | FaultKind) => Simulator} fault
 * @property {(partial: Omit<SimulatorOptions, 'host' | 'port' | 'tls'>) => Simulator} set
 * @property {() => Simulator} reset
 * @property {() => Promise<void>} close
 * @property {(list: ClientSeed[]) => CreatedClient[]} addClients Clients made before this run
 *   (by earlier jobs or by hand), as the instance lists them.
 * @property {(list: AccessTokenSeed[]) => SimAccessToken[]} addAccessTokens Access tokens made
 *   before this run (leftovers for a sweep, or made by hand), as the instance lists them; owner
 *   the CI user and expiry 30 days away unless given. Their `token` values authenticate like
 *   minted ones.
 */

/** @typedef {{ name: string, description?: string, user?: number, scopes?: string[] }} ClientSeed */
/** @typedef {{ name: string, ownerId?: number, expires?: number }} AccessTokenSeed */

/**
 * The options in force: the defaults, with what the caller gave over them.
 * @typedef {Required<Omit<SimulatorOptions, 'tls' | 'rateLimit'>>
 *   & { rateLimit: { perSecond: number, retryAfter: string } | null }} Settings
 */
/** @typedef {{ status: number, body?: unknown, headers: Record<string, string> }} Reply */
/**
 * A request as the handlers see it: with the id its path holds, when it holds one.
 * @typedef {RecordedRequest & { param?: string }} Rec
 */
/** @typedef {Record<string, any>} JsonObject a parsed JSON object, its fields not yet checked */
/** @typedef {(rec: Rec, id: string) => Reply} Handler */

const words = (/** @type {string} */ text) => Object.freeze(text.split(' '));
export const ROUTES = /** @type {readonly RouteName[]} */ (
  words(
    'token signon create-client delete-client create-dev-token list-dev-tokens delete-dev-token ' +
      'users-me list-access-tokens create-access-token delete-access-token ' +
      'create-design get-design upload-asset github-run api unknown',
  )
);
export const FAULT_KINDS = /** @type {readonly FaultKind[]} */ (
  words(
    'status retry-after html malformed body huge hang slow trickle reset redirect act-then-fail',
  )
);
const ALL_SCOPES = words('data user audit dashboard account buzz workflow');
const CI_USER = 964382593;
const GRANTLESS_USER = 1002;
const JSON_TYPE = 'application/json;charset=UTF-8';
const MAX_BODY = 1024 * 1024;
const NEEDS_LOGIN = 'Full authentication is required to access this resource';
const DAY_MS = 24 * 60 * 60 * 1000;
/** How far a lifetime may be off a whole number of days (the request takes a moment). */
const WHOLE_DAY_SLACK_MS = 60 * 1000;

/**
 * [route, method (null: any, so that the handler can answer 405 itself), path]
 * @type {Array<[RouteName, string | null, RegExp]>}
 */
const ROUTE_TABLE = [
  ['token', null, /^\/oauth\/token\/?$/],
  ['signon', 'POST', /^\/api\/content\/v2\/authentication\/?$/],
  ['create-client', 'POST', /^\/clients\/?$/],
  ['delete-client', 'DELETE', /^\/clients\/([^/]+)$/],
  ['create-dev-token', 'POST', /^\/api\/identity\/v1\/developer-tokens\/?$/],
  ['list-dev-tokens', 'GET', /^\/api\/identity\/v1\/developer-tokens\/?$/],
  ['delete-dev-token', 'DELETE', /^\/api\/identity\/v1\/developer-tokens\/([^/]+)$/],
  ['users-me', 'GET', /^\/api\/content\/v2\/users\/me\/?$/],
  ['list-access-tokens', 'GET', /^\/api\/data\/v1\/accesstokens\/?$/],
  ['create-access-token', 'POST', /^\/api\/data\/v1\/accesstokens\/?$/],
  ['delete-access-token', 'DELETE', /^\/api\/data\/v1\/accesstokens\/([^/]+)$/],
  // What `domo publish` sends for a design without an id, then for one with an id.
  ['create-design', 'POST', /^\/api\/apps\/v1\/designs\/?$/],
  ['get-design', 'GET', /^\/api\/apps\/v1\/designs\/([^/]+)$/],
  ['upload-asset', 'POST', /^\/api\/apps\/v1\/designs\/([^/]+)\/versions\/([^/]+)\/assets$/],
  // GitHub's "get a workflow run attempt", at api.github.com's path or a GitHub Enterprise
  // Server's (/api/v3): the same server plays GitHub for sweep mode.
  [
    'github-run',
    null,
    /^(?:\/api\/v3)?\/repos\/([^/]+\/[^/]+)\/actions\/runs\/[^/]+(?:\/attempts\/[^/]+)?$/,
  ],
  ['api', 'GET', /^\/v1\/(users|datasets)\/?$/],
];

/** The job's token, as dev/runner.mjs hands it out in place of `${{ github.token }}`. */
export const JOB_TOKEN = 'ghs_EmulatedJobToken0123456789abcdefXYZ';
/** The run dev/runner.mjs says a step belongs to. */
const EMULATED_RUN = '4242.1';

/** @returns {Settings} */
const defaultOptions = () => ({
  host: '127.0.0.1',
  port: 0,
  customer: 'acmecompany',
  clients: [
    { id: 'sim-client-id', secret: 'sim-client-secret', scope: [...ALL_SCOPES], userId: CI_USER },
  ],
  users: [
    {
      email: 'ci@acme.example',
      password: 'sim-password',
      userId: CI_USER,
      displayName: 'CI Robot',
    },
    {
      email: 'locked@acme.example',
      password: 'sim-password',
      userId: 1001,
      displayName: 'Locked Out',
      locked: true,
    },
    {
      email: 'grantless@acme.example',
      password: 'sim-password',
      userId: GRANTLESS_USER,
      displayName: 'No Grants',
    },
  ],
  cookies: { 'sim-dsid-cookie': CI_USER },
  sessions: ['sim-session-token'],
  developerTokens: { 'sim-developer-token': CI_USER, 'sim-grantless-token': GRANTLESS_USER },
  // Users without the "Create API OAuth Clients" and "Manage all access tokens" grants:
  // creating a client, and listing, minting or deleting access tokens, is a 403.
  grantless: [GRANTLESS_USER],
  // 'refused': the instance takes developer tokens but lets none create a client (403).
  developerTokenCreate: 'allowed',
  // 'refused': no credential may mint an access token (403), whatever its user's grants.
  accessTokenCreate: 'allowed',
  // 'whole-days': a lifetime (expires - now) that is not a whole number of days is a 400, as
  // a Domo that takes days only would answer; 'any' (default) takes any future time.
  accessTokenLifetime: 'any',
  // Longest lifetime in days, or null (default) for no limit.
  accessTokenMaxDays: null,
  // The answer to DELETE .../accesstokens/{id} for an id the instance does not have.
  accessTokenUnknownId: 400,
  tokenMethods: 'both',
  // Nothing public uses DELETE api.domo.com/clients/{id}; the simulator says it is not there.
  clientDelete: 404,
  listShape: 'array',
  listClientIds: 'full',
  rateLimit: null,
  // GitHub: the repository whose runs it shows, its runs ("RUN_ID.ATTEMPT" → status, or
  // { status, conclusion, attemptMissing? }; a run not listed answers 404, as a deleted one
  // does; attemptMissing: the attempt answers 404 while the run shows, a lagging replica), the
  // tokens it takes: 'read' reads the runs; 'no-actions' is a token without `actions: read`
  // (403), 'no-repo' one that cannot see the repository (404); any other token is a 401.
  githubRepository: 'octo-org/octo-repo',
  githubRuns: { [EMULATED_RUN]: 'in_progress' },
  githubTokens: { [JOB_TOKEN]: 'read' },
  tokenTtl: 3599,
  tokenFormat: 'jwt',
  log: false,
});

/** @type {Record<string, Array<string | number>>} */
const CHOICES = {
  developerTokenCreate: ['allowed', 'refused'],
  tokenMethods: ['both', 'GET', 'POST'],
  clientDelete: ['ok', 400, 401, 403, 404, 405],
  listShape: ['array', 'entries'],
  listClientIds: ['full', 'shortened'],
  tokenFormat: ['jwt', 'opaque'],
  accessTokenCreate: ['allowed', 'refused'],
  accessTokenLifetime: ['any', 'whole-days'],
  accessTokenUnknownId: [400, 404],
};

/**
 * Normalises options (CLI and admin JSON send strings); a typo fails loudly, never silently.
 * @param {JsonObject | undefined} input
 * @returns {Partial<Settings>}
 */
function checkOptions(input) {
  const o = Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined));
  for (const [key, allowed] of Object.entries(CHOICES)) {
    if (!(key in o)) continue;
    const value = allowed.find((a) => String(a).toLowerCase() === String(o[key]).toLowerCase());
    if (value === undefined) throw new TypeError(`${key} must be one of ${allowed.join(', ')}`);
    o[key] = value;
  }
  if (o.rateLimit) {
    const perSecond = Number(o.rateLimit.perSecond ?? 20);
    if (!(Number.isInteger(perSecond) && perSecond >= 0)) {
      throw new TypeError('rateLimit.perSecond must be a whole number');
    }
    o.rateLimit = { perSecond, retryAfter: String(o.rateLimit.retryAfter ?? '1') };
  } else if ('rateLimit' in o) o.rateLimit = null;
  if ('tokenTtl' in o && !(Number(o.tokenTtl) >= 0)) throw new TypeError('tokenTtl: seconds');
  if (o.accessTokenMaxDays === null || o.accessTokenMaxDays === '') o.accessTokenMaxDays = null;
  else if ('accessTokenMaxDays' in o) {
    const days = Number(o.accessTokenMaxDays);
    if (!(Number.isInteger(days) && days >= 1)) {
      throw new TypeError('accessTokenMaxDays must be a whole number of days, at least 1, or null');
    }
    o.accessTokenMaxDays = days;
  }
  return o;
}

/**
 * @param {number} status
 * @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 * @returns {Reply}
 */
const reply = (status, body, headers = {}) => ({ status, body, headers });
const statusReason = (/** @type {number} */ status) => http.STATUS_CODES[status] ?? 'Error';
/**
 * @param {number} status
 * @param {string} message
 */
const errorBody = (status, message) => ({ status, statusReason: statusReason(status), message });
/**
 * @param {number} status
 * @param {string} message
 * @param {Record<string, string>} [headers]
 */
const err = (status, message, headers) => reply(status, errorBody(status, message), headers);
/**
 * @param {number} status
 * @param {string} error
 * @param {string} description
 * @param {Record<string, string>} [headers]
 */
const oauthErr = (status, error, description, headers) =>
  reply(status, { error, error_description: description }, headers);
const unauthorized = () => reply(401, { ...errorBody(401, NEEDS_LOGIN), toe: 'SIM-TOE' });
/** @type {(value: unknown) => value is JsonObject} */
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isJson = (/** @type {string | undefined} */ type) =>
  /** @type {string} */ ((type ?? '').split(';')[0]).trim().toLowerCase() === 'application/json';
const b64json = (/** @type {unknown} */ value) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');
/**
 * Shaped like Domo's tokens (a JWT), signed by nobody: only the simulator ever checks it.
 * @param {JsonObject} claims
 */
const fakeJwt = (claims) =>
  [
    b64json({ alg: 'RS256', typ: 'JWT' }),
    b64json(claims),
    randomBytes(64).toString('base64url'),
  ].join('.');
const message = (/** @type {unknown} */ error) =>
  error instanceof Error ? error.message : String(error);

/**
 * @param {string} text
 * @returns {unknown}
 */
function tryJson(text) {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** @param {string | undefined} header */
function parseBasic(header) {
  const m = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header ?? '');
  const decoded = m ? Buffer.from(/** @type {string} */ (m[1]), 'base64').toString('utf8') : '';
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

/**
 * Values are compared as sent: browsers do not URL-encode _dsidv1, so neither do we decode it.
 * @param {string | undefined} header
 */
function parseCookies(header) {
  /** @type {Map<string, string>} */
  const out = new Map();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    const name = part.slice(0, Math.max(i, 0)).trim();
    const value = part.slice(i + 1).trim();
    if (name && !out.has(name)) out.set(name, value.replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

const htmlPage = (/** @type {string} */ title) =>
  `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>` +
  `\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

/**
 * The body as text; null when over MAX_BODY, undefined when the client went away first.
 * @param {http.IncomingMessage} req
 * @returns {Promise<string | null | undefined>}
 */
function readBody(req) {
  return new Promise((resolve) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(undefined)); // no-op after 'end'
  });
}

/**
 * Objects go out as JSON, strings as they are (text/plain unless headers say otherwise).
 * @param {http.ServerResponse} res
 * @param {Reply} reply
 */
function send(res, { status, body, headers = {} }) {
  if (res.destroyed || res.headersSent) return;
  const empty = body === undefined || status === 204 || status === 304;
  const text = empty ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  if (!empty) res.setHeader('Content-Type', typeof body === 'string' ? 'text/plain' : JSON_TYPE);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (!empty) res.setHeader('Content-Length', Buffer.byteLength(text));
  res.writeHead(status).end(text);
}

/**
 * An RST rather than a FIN, so the client sees ECONNRESET as it would from a dying proxy.
 * @param {import('node:net').Socket} socket
 */
function resetSocket(socket) {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy(); // a TLS socket has no TCP handle of its own to reset
  }
}

/**
 * @param {SimulatorOptions} [options]
 * @returns {Promise<Simulator>}
 */
export async function startSimulator(options = {}) {
  const { tls, ...rest } = options ?? {};
  /** @type {Settings} */
  const initial = { ...defaultOptions(), ...checkOptions(structuredClone(rest)) };
  let opts = structuredClone(initial);
  /** @type {Array<{ route: RouteName, spec: FaultSpec, left: number }>} */
  const faults = [];
  /** @type {Map<string, number>} session token -> userId */
  const sessions = new Map();
  /** @type {Map<string, number>} access token -> expiry (ms) */
  const tokens = new Map();
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  let window = { index: -1, count: 0 };
  let nextTokenId = 7001; // never reset, so that an id from before reset() matches no new client
  let nextAccessTokenId = 301; // the same for access tokens
  let startedAt = Date.now();
  /** @type {Promise<void> | undefined} */
  let closing;

  const addSessions = (/** @type {SimulatorOptions['sessions']} */ list) => {
    for (const s of list ?? []) {
      if (typeof s === 'string') sessions.set(s, CI_USER);
      else sessions.set(s.token, s.userId ?? CI_USER);
    }
  };
  addSessions(opts.sessions);

  const stats = { rateLimited: 0, tokensIssued: 0 };
  /** @type {Simulator} */
  const sim = {
    url: '',
    port: 0,
    requests: [],
    clients: [],
    accessTokens: [],
    designs: [],
    stats,
    fault,
    set,
    reset,
    close,
    addClients,
    addAccessTokens,
  };

  /**
   * Clients made before this run (by earlier jobs, or by hand), as the instance would list
   * them: { name, description?, user? } each. Returns them with their numeric `tokenId`.
   * @param {ClientSeed[]} list
   */
  function addClients(list) {
    return list.map((c) => {
      if (typeof c?.name !== 'string') throw new TypeError('a client needs a name');
      const b = {
        name: c.name,
        ...(c.description === undefined ? {} : { description: c.description }),
      };
      return addClient(b, c.scopes ?? ['data'], c.user ?? CI_USER, 'seed');
    });
  }

  /**
   * Access tokens made before this run (leftovers of earlier jobs, or made by hand), as the
   * instance would list them: { name, ownerId?, expires? } each (the CI user, 30 days from
   * now by default). Returns them with their numeric `id` and `token`.
   * @param {AccessTokenSeed[]} list
   */
  function addAccessTokens(list) {
    return list.map((t) => {
      if (typeof t?.name !== 'string') throw new TypeError('an access token needs a name');
      const ownerId = t.ownerId ?? CI_USER;
      const expires = t.expires ?? Date.now() + 30 * DAY_MS;
      if (!Number.isInteger(ownerId)) throw new TypeError('ownerId must be a whole number');
      if (!Number.isInteger(expires)) throw new TypeError('expires must be epoch milliseconds');
      return addAccessToken({ name: t.name, ownerId, expires }, 'seed');
    });
  }

  /**
   * @param {RouteName} route
   * @param {FaultSpec | FaultKind} spec
   */
  function fault(route, spec) {
    if (!ROUTES.includes(route)) throw new TypeError(`unknown route "${route}": ${ROUTES}`);
    /** @type {FaultSpec} */
    const s = typeof spec === 'string' ? { kind: spec } : { ...spec };
    if (!FAULT_KINDS.includes(s.kind)) {
      throw new TypeError(`unknown fault kind "${s.kind}": ${FAULT_KINDS}`);
    }
    const times = s.times ?? 1;
    const left = [-1, Infinity, 'Infinity', 'forever'].includes(times) ? Infinity : Number(times);
    if (!(left === Infinity || (Number.isInteger(left) && left >= 1))) {
      throw new TypeError('fault times must be a positive whole number, Infinity or -1');
    }
    for (const key of /** @type {const} */ (['status', 'ms', 'bytes'])) {
      if (s[key] !== undefined && !(Number(s[key]) >= 0)) throw new TypeError(`fault ${key}?`);
    }
    faults.push({ route, spec: s, left });
    return sim;
  }

  /** @param {Omit<SimulatorOptions, 'host' | 'port' | 'tls'>} partial */
  function set(partial) {
    const p = checkOptions(structuredClone(partial ?? {}));
    for (const key of ['host', 'port', 'tls']) {
      if (key in p) throw new TypeError(`${key} cannot change while the simulator runs`);
    }
    Object.assign(opts, p);
    addSessions(p.sessions); // added, never withdrawn, as on a running Domo
    return sim;
  }

  function reset() {
    faults.length = 0;
    sim.requests.length = 0;
    sim.clients.length = 0;
    sim.accessTokens.length = 0;
    sim.designs.length = 0;
    Object.assign(stats, { rateLimited: 0, tokensIssued: 0 });
    opts = structuredClone(initial);
    sessions.clear();
    addSessions(opts.sessions);
    tokens.clear();
    window = { index: -1, count: 0 };
    startedAt = Date.now();
    return sim;
  }

  /** @param {RouteName} route */
  function takeFault(route) {
    const f = faults.find((x) => x.route === route && x.left > 0);
    if (f) f.left -= 1; // Infinity stays Infinity
    return f?.spec;
  }

  /**
   * @param {number} ms
   * @param {() => void} fn
   */
  function later(ms, fn) {
    const t = setTimeout(() => timers.delete(t) && fn(), ms);
    timers.add(t);
  }

  /** Fixed windows aligned to the start, so a test that fires at once knows its window. */
  function overRateLimit() {
    if (!opts.rateLimit) return false;
    const index = Math.floor((Date.now() - startedAt) / 1000);
    if (index !== window.index) window = { index, count: 0 };
    if (window.count >= opts.rateLimit.perSecond) return true;
    window.count += 1;
    return false;
  }

  /** @param {string} id */
  function findClient(id) {
    const c = sim.clients.find((x) => x.client_id === id && !x.deleted);
    if (c) return { id, secret: c.client_secret, scope: c.scope, userId: c.user, role: 'Admin' };
    const pre = opts.clients.find((x) => x.id === id);
    return pre && { userId: CI_USER, role: 'Admin', ...pre };
  }

  /**
   * @param {SimApiClient} client
   * @param {string[]} scope
   */
  function issueToken(client, scope) {
    const jti = randomUUID();
    const exp = Date.now() + opts.tokenTtl * 1000;
    const { role, userId, id: client_id } = client;
    const { customer } = opts;
    const claims = { role, scope, exp: Math.floor(exp / 1000), env: 'prod1', userId, customer };
    const accessToken =
      opts.tokenFormat === 'opaque'
        ? randomBytes(32).toString('hex')
        : fakeJwt({ ...claims, client_id, jti });
    tokens.set(accessToken, exp);
    stats.tokensIssued += 1;
    const expires_in = opts.tokenTtl;
    return { access_token: accessToken, customer, expires_in, jti, role, scope: scope.join(' ') };
  }

  const sessionUser = (/** @type {Rec} */ rec) =>
    sessions.get(rec.headers['x-domo-authentication'] ?? '');
  const liveAccessTokens = () => sim.accessTokens.filter((t) => !t.deleted);
  const developerTokenUser = (/** @type {Rec} */ rec) => {
    const token = rec.headers['x-domo-developer-token'] ?? '';
    if (Object.hasOwn(opts.developerTokens, token)) return opts.developerTokens[token];
    // An access token minted through the API acts as its owner until it expires or is deleted.
    const now = Date.now();
    return liveAccessTokens().find((t) => t.token === token && t.expires > now)?.ownerId;
  };
  /** The instance API takes a session or a developer token (not an OAuth token). */
  const instanceUser = (/** @type {Rec} */ rec) => sessionUser(rec) ?? developerTokenUser(rec);
  const live = () => sim.clients.filter((c) => !c.deleted);
  const nameTaken = (/** @type {unknown} */ name) => live().some((c) => c.name === name);
  const forbidden = () =>
    err(403, 'Forbidden: the user lacks the "Create API OAuth Clients" grant');

  /**
   * Checks a creation body; `scopeKey` is `scope` on api.domo.com, `scopes` on the instance.
   * @param {JsonObject} b
   * @param {'scope' | 'scopes'} scopeKey
   */
  function creationProblem(b, scopeKey) {
    const list = b[scopeKey];
    const badScope = (Array.isArray(list) ? list : []).find((s) => !ALL_SCOPES.includes(s));
    return /** @satisfies {Array<[boolean, string]>} */ ([
      [typeof b.name !== 'string' || !b.name.trim(), 'name must be a non-empty string'],
      [!Array.isArray(list) || !list.length, `${scopeKey} must be a non-empty array of strings`],
      [badScope !== undefined, `Invalid scope: ${badScope}`],
      [!['string', 'undefined'].includes(typeof b.description), 'description must be a string'],
      // The answer a community library words as "does the client already exist?".
      [nameTaken(b.name), `A client named "${b.name}" already exists`],
    ]).find(([bad]) => bad)?.[1];
  }

  /**
   * @param {Pick<ClientSeed, 'name' | 'description'>} b
   * @param {string[]} scopes
   * @param {number} user
   * @param {CreatedClient['via']} via
   */
  function addClient(b, scopes, user, via) {
    /** @type {CreatedClient} */
    const client = {
      client_id: randomUUID(),
      client_secret: randomBytes(32).toString('hex'),
      name: b.name,
      scope: [...new Set(scopes)],
      user,
      tokenId: nextTokenId++,
      deleted: false,
      description: b.description,
      created: new Date().toISOString(),
      via,
    };
    sim.clients.push(client);
    return client;
  }
  const signonFailure = (/** @type {string} */ reason) => reply(200, { success: false, reason });

  /** @param {number} userId */
  function startSession(userId) {
    const sessionToken = randomBytes(24).toString('base64url');
    sessions.set(sessionToken, userId);
    return reply(200, { userId, success: true, sessionToken });
  }

  const tokenForbidden = () =>
    err(403, 'Forbidden: the user lacks the "Manage all access tokens" grant');

  /**
   * @param {{ name: string, ownerId: number, expires: number }} token
   * @param {SimAccessToken['via']} via
   */
  function addAccessToken({ name, ownerId, expires }, via) {
    /** @type {SimAccessToken} */
    const record = {
      id: nextAccessTokenId++,
      name,
      ownerId,
      expires,
      // Shaped like the tokens Domo's admin pages show once (DDCI followed by hex digits).
      token: `DDCI${randomBytes(24).toString('hex')}`,
      deleted: false,
      created: new Date().toISOString(),
      via,
    };
    sim.accessTokens.push(record);
    return record;
  }

  /**
   * Checks a minting body for `user`; `now` is when the request arrived.
   * @param {JsonObject} b
   * @param {number} user
   * @param {number} now
   */
  function accessTokenProblem(b, user, now) {
    const { name, ownerId, expires } = b;
    const lifetime = Number.isInteger(expires) ? expires - now : NaN;
    const days = lifetime / DAY_MS;
    const max = opts.accessTokenMaxDays;
    return /** @satisfies {Array<[boolean, string]>} */ ([
      [typeof name !== 'string' || !name.trim(), 'name must be a non-empty string'],
      [!Number.isInteger(ownerId), 'ownerId must be a user id (a whole number)'],
      // The answer a community library words as "verify the user ID is valid".
      [ownerId !== user, `Invalid ownerId ${ownerId}: tokens are made for the calling user`],
      [!(lifetime > 0), 'expires must be a future time in epoch milliseconds'],
      [
        opts.accessTokenLifetime === 'whole-days' &&
          (Math.round(days) < 1 ||
            Math.abs(lifetime - Math.round(days) * DAY_MS) > WHOLE_DAY_SLACK_MS),
        'expires must be a whole number of days from now',
      ],
      [
        max !== null && lifetime > max * DAY_MS + WHOLE_DAY_SLACK_MS,
        `expires may be at most ${max} days from now`,
      ],
    ]).find(([bad]) => bad)?.[1];
  }

  const findDesign = (/** @type {string} */ id) => sim.designs.find((d) => d.id === id);
  const noDesign = (/** @type {string} */ id) => err(404, `No design found with id ${id}`);
  const designAnswer = (/** @type {SimDesign} */ d) => ({
    id: d.id,
    name: d.name,
    owner: d.owner,
    latestVersion: d.latestVersion,
    versions: d.versions.map((v) => ({ ...v, datasetsMapping: [...v.datasetsMapping] })),
    created: d.created,
  });

  /** @type {Record<RouteName, Handler>} */
  const handlers = {
    token(rec) {
      // A gateway limits before it authenticates, so bad requests count too.
      if (['GET', 'POST'].includes(rec.method) && overRateLimit()) {
        stats.rateLimited += 1;
        const { retryAfter } = /** @type {NonNullable<Settings['rateLimit']>} */ (opts.rateLimit);
        return err(429, 'Rate limit exceeded', { 'Retry-After': retryAfter });
      }
      const allowed = opts.tokenMethods === 'both' ? ['GET', 'POST'] : [opts.tokenMethods];
      if (!allowed.includes(rec.method)) {
        const text = `Request method '${rec.method}' not supported`;
        return oauthErr(405, 'method_not_allowed', text, { Allow: allowed.join(', ') });
      }
      const cred = parseBasic(rec.headers.authorization);
      const realm = { 'WWW-Authenticate': 'Basic realm="oauth2/client"' };
      if (!cred) return oauthErr(401, 'unauthorized', NEEDS_LOGIN, realm);
      const client = findClient(cred.id);
      if (client?.secret !== cred.secret) return oauthErr(401, 'unauthorized', 'Bad credentials');
      const params = new URLSearchParams(rec.query);
      const form = /^application\/x-www-form-urlencoded/i.test(rec.headers['content-type'] ?? '');
      if (rec.method === 'POST' && form) {
        for (const [k, v] of new URLSearchParams(rec.body)) params.set(k, v);
      }
      const grant = params.get('grant_type');
      if (!grant) return oauthErr(400, 'invalid_request', 'Missing grant type');
      if (grant !== 'client_credentials') {
        return oauthErr(400, 'unsupported_grant_type', `Unsupported grant type: ${grant}`);
      }
      // Spring splits on whitespace only: "data,user" is one (invalid) scope, as at Domo.
      const asked = [...new Set((params.get('scope') ?? '').split(/\s+/).filter(Boolean))];
      const missing = asked.find((s) => !client.scope.includes(s));
      if (missing) return oauthErr(400, 'invalid_scope', `Invalid scope: ${missing}`);
      const body = issueToken(client, asked.length ? asked : [...client.scope]);
      const answer = { ...body, token_type: 'bearer', userId: client.userId };
      return reply(200, answer, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    },

    signon(rec) {
      if (!rec.headers.origin) return reply(403, { status: 403, message: 'Forbidden' });
      const type = rec.headers['content-type'];
      if (!isJson(type)) return err(415, `Content type '${type ?? ''}' not supported`);
      const b = /** @type {JsonObject | null | undefined} */ (rec.json);
      if (!b || typeof b !== 'object') return err(400, 'Required request body is missing');
      if (b.method === 'password') {
        const email = String(b.emailAddress ?? '').toLowerCase();
        const user = opts.users.find((u) => u.email.toLowerCase() === email);
        if (user?.locked) return signonFailure('ACCOUNT_LOCKED');
        if (!user || user.password !== b.password) return signonFailure('INVALID_CREDENTIALS');
        return startSession(user.userId);
      }
      if (b.method === 'exptoken') {
        const value = parseCookies(rec.headers.cookie).get('_dsidv1') ?? '';
        if (!Object.hasOwn(opts.cookies, value)) return signonFailure('INVALID_TOKEN');
        return startSession(/** @type {number} */ (opts.cookies[value]));
      }
      return err(400, `Unsupported authentication method: ${String(b.method)}`);
    },

    'create-client'(rec) {
      const user = sessionUser(rec);
      if (user === undefined) return unauthorized();
      const type = rec.headers['content-type'];
      if (!isJson(type)) return err(415, `Content type '${type ?? ''}' not supported`);
      if (!rec.headers['x-domo-customerdomain']) {
        return err(400, 'Missing required header X-DOMO-CustomerDomain');
      }
      if (!isObject(rec.json)) return err(400, 'Request body must be a JSON object');
      const problem = creationProblem(rec.json, 'scope');
      if (problem) return err(400, problem);
      if (opts.grantless.includes(user)) return forbidden();
      // creationProblem checked the name and description.
      const seed = /** @type {ClientSeed} */ (rec.json);
      const client = addClient(seed, rec.json.scope, user, 'session');
      const { name, scope, client_id, client_secret, description } = client;
      // 201 and no numeric id: the instance's list is the only place that shows one.
      return reply(201, {
        name,
        description,
        scope,
        user,
        role: 'Admin',
        client_id,
        client_secret,
        authorized_grant_types: ['client_credentials'],
      });
    },

    'delete-client'(rec, id) {
      if (sessionUser(rec) === undefined) return unauthorized();
      if (opts.clientDelete === 405) {
        return err(405, "Request method 'DELETE' not supported", { Allow: 'GET' });
      }
      if (opts.clientDelete !== 'ok') return err(opts.clientDelete, `No handler for DELETE`);
      const client = live().find((c) => c.client_id === id);
      if (!client) return err(404, `No client with id ${id}`);
      client.deleted = true;
      return reply(204);
    },

    'create-dev-token'(rec) {
      // This route takes a developer token only: a session or an OAuth token is refused.
      const user = developerTokenUser(rec);
      if (user === undefined) return unauthorized();
      // The token did authenticate its owner, so a refusal is Spring Security's 403 for an
      // authenticated user denied an action (401 means no valid credential at all).
      if (opts.developerTokenCreate === 'refused') return err(403, 'Access is denied');
      const type = rec.headers['content-type'];
      if (!isJson(type)) return err(415, `Content type '${type ?? ''}' not supported`);
      if (!isObject(rec.json)) return err(400, 'Request body must be a JSON object');
      if ('userId' in rec.json) return err(400, 'userId may not be set');
      const problem = creationProblem(rec.json, 'scopes');
      if (problem) return err(400, problem);
      if (opts.grantless.includes(user)) return forbidden();
      // creationProblem checked the name and description.
      const seed = /** @type {ClientSeed} */ (rec.json);
      const client = addClient(seed, rec.json.scopes, user, 'developer-token');
      return reply(201, {
        id: client.tokenId,
        name: client.name,
        description: client.description,
        userId: user,
        scopes: client.scope,
        clientId: client.client_id,
        clientSecret: client.client_secret,
      });
    },

    'list-dev-tokens'(rec) {
      if (instanceUser(rec) === undefined) return unauthorized();
      const shown = (/** @type {string} */ id) =>
        opts.listClientIds === 'shortened' ? `${id.slice(0, 8)}…` : id;
      const entries = live().map((c) => ({
        id: c.tokenId,
        name: c.name,
        description: c.description,
        clientId: shown(c.client_id),
        userId: c.user,
        scopes: c.scope,
        created: c.created,
      }));
      return reply(200, opts.listShape === 'entries' ? { entries } : entries);
    },

    'delete-dev-token'(rec, id) {
      if (instanceUser(rec) === undefined) return unauthorized();
      const client = live().find((c) => String(c.tokenId) === id);
      // Domo answers 400 for an id it does not have.
      if (!client) return err(400, `No API client with id ${id}`);
      client.deleted = true;
      return reply(204);
    },

    'github-run'(rec) {
      /**
       * @param {number} status
       * @param {string} message
       * @param {Record<string, string>} [headers]
       */
      const gh = (status, message, headers) =>
        reply(status, { message, documentation_url: 'https://docs.github.com/rest' }, headers);
      if (rec.method !== 'GET') return gh(404, 'Not Found');
      if (!rec.headers['user-agent']) {
        return gh(
          403,
          'Request forbidden by administrative rules. Please make sure your request has a User-Agent header',
        );
      }
      const m = /** @type {(RegExpExecArray & [string, string]) | null} */ (
        /^(?:bearer|token) +(\S+)$/i.exec(rec.headers.authorization ?? '')
      );
      const access =
        m && Object.hasOwn(opts.githubTokens, m[1]) ? opts.githubTokens[m[1]] : undefined;
      if (access === undefined) return gh(401, 'Bad credentials');
      // The route's own pattern matched this path.
      const [, repo, runId, attemptAsked] =
        /** @type {RegExpExecArray & [string, string, string, string | undefined]} */ (
          /\/repos\/([^/]+\/[^/]+)\/actions\/runs\/([^/]+)(?:\/attempts\/([^/]+))?$/.exec(rec.path)
        );
      const repository = decodeURIComponent(repo);
      if (access === 'no-repo' || repository !== opts.githubRepository) return gh(404, 'Not Found');
      if (access === 'no-actions') return gh(403, 'Resource not accessible by integration');
      // "Get a workflow run" (no attempt) answers for the run's latest attempt listed.
      const attempt =
        attemptAsked ??
        Object.keys(opts.githubRuns)
          .filter((k) => k.startsWith(`${runId}.`))
          .map((k) => Number(k.slice(runId.length + 1)))
          .sort((a, b) => b - a)[0];
      const key = `${runId}.${attempt}`;
      const run = Object.hasOwn(opts.githubRuns, key) ? opts.githubRuns[key] : undefined;
      if (run === undefined) return gh(404, 'Not Found');
      // A replica that lags: the attempt answers 404, though the run shows.
      if (isObject(run) && run.attemptMissing && attemptAsked !== undefined) {
        return gh(404, 'Not Found');
      }
      // A run GitHub fails to answer for (the same answer every time it is asked).
      if (isObject(run) && run.httpStatus !== undefined) {
        return gh(Number(run.httpStatus), run.message ?? 'Server Error');
      }
      const { status, conclusion = status === 'completed' ? 'success' : null } =
        typeof run === 'string' ? { status: run } : run;
      return reply(200, {
        id: Number(runId),
        run_attempt: Number(attempt),
        name: 'deploy',
        status,
        conclusion,
        html_url: `https://github.com/${repository}/actions/runs/${runId}/attempts/${attempt}`,
      });
    },

    'users-me'(rec) {
      // Who a session or developer token (a minted access token included) acts as; an OAuth
      // token is refused, as elsewhere on the instance.
      const id = instanceUser(rec);
      if (id === undefined) return unauthorized();
      const user = opts.users.find((u) => u.userId === id);
      const email = user?.email ?? `user${id}@acme.example`;
      const displayName = user?.displayName ?? `User ${id}`;
      const role = opts.grantless.includes(id) ? 'Participant' : 'Admin';
      return reply(200, { id, displayName, userName: email, emailAddress: email, role });
    },

    'list-access-tokens'(rec) {
      const user = instanceUser(rec);
      if (user === undefined) return unauthorized();
      if (opts.grantless.includes(user)) return tokenForbidden();
      // Expired tokens stay listed until someone deletes them; the values are never listed.
      return reply(
        200,
        liveAccessTokens().map(({ id, name, ownerId, expires }) => ({
          id,
          name,
          ownerId,
          expires,
        })),
      );
    },

    'create-access-token'(rec) {
      const user = instanceUser(rec);
      if (user === undefined) return unauthorized();
      // The credential did authenticate its user: refusals are 403, as on create-dev-token.
      if (opts.accessTokenCreate === 'refused' || opts.grantless.includes(user)) {
        return tokenForbidden();
      }
      const type = rec.headers['content-type'];
      if (!isJson(type)) return err(415, `Content type '${type ?? ''}' not supported`);
      if (!isObject(rec.json)) return err(400, 'Request body must be a JSON object');
      const problem = accessTokenProblem(rec.json, user, rec.at);
      if (problem) return err(400, problem);
      const { name, ownerId, expires } = rec.json;
      const via = sessionUser(rec) === undefined ? 'developer-token' : 'session';
      const { id, token } = addAccessToken({ name, ownerId, expires }, via);
      return reply(200, { id, name, ownerId, expires, token });
    },

    'delete-access-token'(rec, id) {
      const user = instanceUser(rec);
      if (user === undefined) return unauthorized();
      if (opts.grantless.includes(user)) return tokenForbidden();
      const record = liveAccessTokens().find((t) => String(t.id) === id);
      // 400 by default, as Domo answers for an unknown id on the developer-tokens route.
      if (!record) return err(opts.accessTokenUnknownId, `No access token with id ${id}`);
      record.deleted = true;
      return reply(204);
    },

    'create-design'(rec) {
      // The CLI sends the manifest (with its own additions: fileName, datasetsMapping).
      const user = instanceUser(rec);
      if (user === undefined) return unauthorized();
      const m = rec.json;
      if (!isObject(m)) return err(400, 'Request body must be a JSON manifest');
      if (typeof m.name !== 'string' || !m.name) return err(400, 'The manifest needs a name');
      if (typeof m.version !== 'string' || !m.version) {
        return err(400, 'The manifest needs a version');
      }
      const design = {
        id: randomUUID(),
        name: m.name,
        owner: user,
        latestVersion: m.version,
        versions: [{ version: m.version, datasetsMapping: [...(m.datasetsMapping ?? [])] }],
        assets: [],
        created: new Date().toISOString(),
      };
      sim.designs.push(design);
      return reply(200, designAnswer(design));
    },

    'get-design'(rec, id) {
      if (instanceUser(rec) === undefined) return unauthorized();
      const design = findDesign(id);
      return design ? reply(200, designAnswer(design)) : noDesign(id);
    },

    'upload-asset'(rec, id) {
      const user = instanceUser(rec);
      if (user === undefined) return unauthorized();
      const design = findDesign(id);
      if (!design) return noDesign(id);
      const version = decodeURIComponent(/\/versions\/([^/]+)\/assets$/.exec(rec.path)?.[1] ?? '');
      const path = rec.query.path;
      if (!path) return err(400, 'Required parameter path is missing');
      let entry = design.versions.find((v) => v.version === version);
      if (!entry) {
        // A new version comes into being with its first asset, as a publish of a bumped
        // manifest version does.
        entry = { version, datasetsMapping: [] };
        design.versions.push(entry);
        design.latestVersion = version;
      }
      const manifest = /** @type {JsonObject | null | undefined} */ (rec.json);
      if (path === 'manifest.json' && Array.isArray(manifest?.datasetsMapping)) {
        entry.datasetsMapping = [...manifest.datasetsMapping];
      }
      const asset = {
        version,
        path,
        bytes: Buffer.byteLength(rec.body),
        contentType: rec.headers['content-type'],
        userId: user,
      };
      design.assets = [
        ...design.assets.filter((a) => a.version !== version || a.path !== path),
        asset,
      ];
      return reply(200, { designId: id, version, path, size: asset.bytes });
    },

    api(rec) {
      const m = /^bearer +(\S+)$/i.exec(rec.headers.authorization ?? '');
      if (!((tokens.get(m?.[1] ?? '') ?? 0) > Date.now())) {
        return reply(401, { ...errorBody(401, 'Invalid or expired token'), toe: 'SIM-TOE' });
      }
      return reply(200, [{ id: CI_USER, name: 'CI Robot' }]);
    },

    unknown(rec) {
      const allow = ROUTE_TABLE.filter(([, , re]) => re.test(rec.path)).map(([, method]) => method);
      if (!allow.length) return err(404, `No handler found for ${rec.method} ${rec.path}`);
      return err(405, `Request method '${rec.method}' not supported`, { Allow: allow.join(', ') });
    },
  };

  // A handler that reads an id is one whose route's path holds it.
  const handle = (/** @type {Rec} */ rec) =>
    handlers[rec.route](rec, /** @type {string} */ (rec.param));

  /**
   * @param {FaultSpec} spec
   * @param {Rec} rec
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  function applyFault(spec, rec, req, res) {
    const { kind, headers } = spec;
    const status = spec.status === undefined ? undefined : Number(spec.status);
    const simulated = (/** @type {number} */ s) =>
      err(s, s === 429 ? 'Rate limit exceeded' : `Simulated ${http.STATUS_CODES[s] ?? 'error'}`);
    /**
     * @param {number} s
     * @param {unknown} body
     * @param {Record<string, string>} [h]
     */
    const answer = (s, body, h) => send(res, reply(s, body, { ...h, ...headers }));
    if (kind === 'status') return answer(status ?? 500, spec.body ?? simulated(status ?? 500).body);
    if (kind === 'retry-after') {
      const s = status ?? 429;
      return answer(s, simulated(s).body, { 'Retry-After': String(spec.value ?? '1') });
    }
    if (kind === 'html') {
      const s = status ?? 502;
      return answer(s, htmlPage(`${s} ${http.STATUS_CODES[s]}`), { 'Content-Type': 'text/html' });
    }
    if (kind === 'malformed') {
      return answer(200, '{"access_token":"abc', { 'Content-Type': 'application/json' });
    }
    if (kind === 'body') {
      const text = typeof spec.body === 'string' ? spec.body : (JSON.stringify(spec.body) ?? '');
      return answer(status ?? 200, text, { 'Content-Type': JSON_TYPE });
    }
    if (kind === 'huge') return streamHuge(res, Number(spec.bytes ?? 5 * 1024 * 1024));
    if (kind === 'slow') return later(Number(spec.ms ?? 1000), () => send(res, handle(rec)));
    if (kind === 'trickle') return trickle(res, Number(spec.ms ?? 500));
    if (kind === 'reset') return resetSocket(req.socket);
    if (kind === 'redirect') {
      const location = spec.location ?? `http://127.0.0.1:1${req.url}`;
      return answer(status ?? 302, undefined, { Location: location });
    }
    if (kind === 'act-then-fail') {
      handle(rec); // the side effect happens; only the answer is lost
      const then = spec.then ?? 'reset';
      if (then === 'reset') resetSocket(req.socket);
      else if (then !== 'hang') send(res, simulated(Number(then)));
    }
    // 'hang' (and act-then-fail's): say nothing; the client or close() ends the connection.
  }

  /**
   * @param {http.ServerResponse} res
   * @param {number} bytes
   */
  function streamHuge(res, bytes) {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let left = Math.max(0, bytes - 19);
    res.writeHead(200, { 'Content-Type': JSON_TYPE }).write('{"access_token":"');
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(left, chunk.length);
        left -= n;
        if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end('"}');
    };
    pump();
  }

  /**
   * @param {http.ServerResponse} res
   * @param {number} ms
   */
  function trickle(res, ms) {
    res.writeHead(200, { 'Content-Type': JSON_TYPE }).flushHeaders();
    const text = '{"access_token":"';
    let i = 0;
    const t = setInterval(() => res.destroyed || res.write(text[i++] ?? 'a'), ms);
    timers.add(t);
    res.on('close', () => {
      clearInterval(t);
      timers.delete(t);
    });
  }

  const ok = () => ({ ok: true });
  /** @type {Record<string, (body: any) => unknown>} */
  const adminRoutes = {
    'GET /__sim/health': ok,
    'GET /__sim/requests': () => sim.requests,
    'GET /__sim/clients': () => sim.clients,
    'GET /__sim/access-tokens': () => sim.accessTokens,
    'GET /__sim/designs': () => sim.designs,
    'GET /__sim/stats': () => stats,
    // fault() checks the route and the spec.
    'POST /__sim/faults': ({ route, ...spec }) =>
      fault(route, /** @type {FaultSpec} */ (spec)) && ok(),
    'POST /__sim/set': (partial) => set(partial) && ok(),
    'POST /__sim/reset': () => reset() && ok(),
    'POST /__sim/clients': (list) => addClients(Array.isArray(list) ? list : [list]),
    'POST /__sim/access-tokens': (list) => addAccessTokens(Array.isArray(list) ? list : [list]),
  };

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  async function onRequest(req, res) {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://simulator');
    const body = await readBody(req);
    if (body === undefined) return;
    if (body === null)
      return send(res, err(413, 'Request body too large', { Connection: 'close' }));
    if (url.pathname.startsWith('/__sim/')) {
      const admin = adminRoutes[`${req.method} ${url.pathname.replace(/\/$/, '')}`];
      if (!admin) return send(res, err(404, `No admin route ${req.method} ${url.pathname}`));
      try {
        return send(res, reply(200, admin(JSON.parse(body || '{}'))));
      } catch (error) {
        return send(res, err(400, message(error)));
      }
    }
    const method = req.method ?? 'GET';
    /** @type {RouteName} */
    let route = 'unknown';
    /** @type {string | undefined} */
    let param;
    for (const [name, m, re] of ROUTE_TABLE) {
      const match = re.exec(url.pathname);
      if (match && (m === null || m === method)) {
        [route, param] = [name, match[1] && decodeURIComponent(match[1])];
        break;
      }
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : `${v}`]),
    );
    const [path, query] = [url.pathname, Object.fromEntries(url.searchParams)];
    const rec = { route, method, path, query, headers, body, json: tryJson(body), at };
    sim.requests.push(rec);
    Object.defineProperty(rec, 'param', { value: param }); // not enumerable: out of JSON dumps
    const spec = takeFault(route);
    if (opts.log) {
      // The path only: never the query, headers or body, where credentials travel.
      res.on('close', () => {
        const outcome = res.headersSent ? res.statusCode : 'no answer';
        const note = spec ? ` (fault: ${spec.kind})` : '';
        process.stderr.write(`[domo-sim] ${method} ${rec.path} ${outcome}${note}\n`);
      });
    }
    if (spec) return applyFault(spec, rec, req, res);
    send(res, handle(rec));
  }

  const listener = (
    /** @type {http.IncomingMessage} */ req,
    /** @type {http.ServerResponse} */ res,
  ) => onRequest(req, res).catch((e) => send(res, err(500, `Simulator error: ${message(e)}`)));
  const server = tls ? https.createServer({ ...tls }, listener) : http.createServer(listener);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(initial.port, initial.host, () => resolve(server.off('error', reject)));
  });
  startedAt = Date.now();
  sim.port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const host = initial.host.includes(':') ? `[${initial.host}]` : initial.host;
  sim.url = `${tls ? 'https' : 'http'}://${host}:${sim.port}`;

  function close() {
    closing ??= new Promise((resolve) => {
      for (const t of timers) clearTimeout(t);
      server.close(() => resolve(undefined));
      for (const socket of sockets) socket.destroy(); // hanging and trickling ones included
      server.closeAllConnections();
    });
    return closing;
  }

  return sim;
}

/**
 * `route:kind[:arg][:times]`; for kinds without an argument the third field is times. The
 * route and the kind are as given: fault() checks them.
 * @param {string} text
 * @returns {{ route: string, spec: FaultSpec }}
 */
export function parseFaultArg(text) {
  const [route = '', kind = '', ...rest] = text.split(':');
  if (kind === 'body') return { route, spec: { kind, body: rest.join(':') } }; // JSON has colons
  const [arg, times] = ['malformed', 'hang', 'reset'].includes(kind) ? [undefined, ...rest] : rest;
  const spec = /** @type {FaultSpec} */ ({ kind });
  if (arg && ['status', 'html', 'redirect'].includes(kind)) spec.status = Number(arg);
  if (arg && kind === 'retry-after') spec.value = arg;
  if (arg && ['slow', 'trickle'].includes(kind)) spec.ms = Number(arg);
  if (arg && kind === 'huge') spec.bytes = Number(arg);
  if (arg && kind === 'act-then-fail') {
    spec.then = /^\d+$/.test(arg) ? Number(arg) : /** @type {FaultSpec['then']} */ (arg);
  }
  if (times) spec.times = /^(-1|inf|infinity|forever)$/i.test(times) ? Infinity : Number(times);
  return { route, spec };
}

const USAGE = `Usage: node dev/simulator.mjs [options]
  --port N                 port to listen on (default 8787; 0 = any free port)
  --host H                 address to bind (default 127.0.0.1)
  --rate-limit N           at most N token requests a second, then 429 with Retry-After: 1
  --token-methods M        both | GET | POST (default both)
  --client-delete D        answer to DELETE /clients/{id}: 404 (default), 400, 401, 403, 405, ok
  --list-shape S           the API-client list as a bare "array" (default) or under "entries"
  --list-client-ids I      "full" (default) or "shortened" client ids in that list
  --developer-token-create C  "allowed" (default) or "refused": a valid developer token then
                           gets 403 when it creates a client (it still works elsewhere)
  --access-token-create C  "allowed" (default) or "refused": minting an access token is a 403
  --access-token-lifetime L  "any" (default) or "whole-days": a lifetime that is not a whole
                           number of days is a 400
  --access-token-max-days N  refuse (400) lifetimes longer than N days (default: no limit)
  --access-token-unknown-id S  answer to deleting an unknown access token: 400 (default) or 404
  --fault route:kind[:arg][:times]   queue a fault (repeatable), e.g. token:status:503:2
  --log                    one line per request on stderr
  --ready-file PATH        write the URL to PATH once listening`;

/** @param {string[]} argv */
async function main(argv) {
  const string = /** @type {const} */ ({ type: 'string' });
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8787' },
      host: string,
      'rate-limit': string,
      'token-methods': string,
      'client-delete': string,
      'list-shape': string,
      'list-client-ids': string,
      'developer-token-create': string,
      'access-token-create': string,
      'access-token-lifetime': string,
      'access-token-max-days': string,
      'access-token-unknown-id': string,
      fault: { type: 'string', multiple: true },
      log: { type: 'boolean' },
      'ready-file': string,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(USAGE);
  const port = Number(values.port);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new TypeError(`--port must be 0-65535, not "${values.port}"`);
  }
  const rate = values['rate-limit'];
  const faults = (values.fault ?? []).map(parseFaultArg);
  // The values as typed: startSimulator checks them and converts what needs it.
  const given = /** @type {JsonObject} */ ({
    port,
    host: values.host,
    rateLimit: rate ? { perSecond: Number(rate), retryAfter: '1' } : null,
    tokenMethods: values['token-methods'],
    clientDelete: values['client-delete'],
    listShape: values['list-shape'],
    listClientIds: values['list-client-ids'],
    developerTokenCreate: values['developer-token-create'],
    accessTokenCreate: values['access-token-create'],
    accessTokenLifetime: values['access-token-lifetime'],
    accessTokenMaxDays: values['access-token-max-days'],
    accessTokenUnknownId: values['access-token-unknown-id'],
    log: values.log ?? false,
  });
  const sim = await startSimulator(given);
  try {
    for (const { route, spec } of faults) sim.fault(/** @type {RouteName} */ (route), spec);
  } catch (error) {
    await sim.close();
    throw error;
  }
  const stop = () => sim.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const file = values['ready-file'];
  if (file) {
    writeFileSync(`${file}.tmp`, sim.url); // then renamed, so a poller never reads half a URL
    renameSync(`${file}.tmp`, file);
  }
  console.log(banner(sim.url));
}

/**
 * What a person needs to point the action (or `npm run smoke`) at the simulator.
 * @param {string} url
 */
export function banner(url) {
  const d = defaultOptions();
  const [client] = /** @type {[SimApiClient]} */ (d.clients);
  const [user, locked, grantlessUser] = /** @type {[SimUser, SimUser, SimUser]} */ (d.users);
  const [devToken, grantless] = Object.keys(d.developerTokens);
  return [
    `Domo simulator listening on ${url} (plays both api-url and instance)`,
    '',
    'Endpoints:',
    ...ROUTE_TABLE.map(([route, method, re]) => {
      if (route === 'github-run') {
        const path = '[/api/v3]/repos/{owner}/{repo}/actions/runs/{run_id}[/attempts/{attempt}]';
        return `  ${'GET'.padEnd(8)} ${path}  (${route}: GitHub, for sweep mode)`;
      }
      const path = re.source
        .replace(/\\\//g, '/')
        .replace(/\(\[\^\/\]\+\)/, '{id}')
        .replace(/\(\[\^\/\]\+\)/, '{version}')
        .replace(/\((\w+)\|(\w+)\)/, '{$1,$2}')
        .replace(/^\^|\/\?\$$|\$$/g, '');
      return `  ${(method ?? 'GET|POST').padEnd(8)} ${path}  (${route})`;
    }),
    '  GET|POST /__sim/{health,requests,clients,access-tokens,designs,stats,faults,set,reset}  (test controls)',
    '  POST     /__sim/clients  (add clients made before, e.g. leftovers for a sweep)',
    '  POST     /__sim/access-tokens  (add access tokens made before, the same for access tokens)',
    '',
    'Accepted credentials:',
    `  client-id / client-secret   ${client.id} / ${client.secret}`,
    `  username / password         ${user.email} / ${user.password} (${locked.email} is locked,`,
    `                              ${grantlessUser.email} lacks the grants)`,
    `  session-token               ${d.sessions[0]}`,
    `  session-cookie              ${Object.keys(d.cookies)[0]}`,
    `  developer-token             ${devToken} (${grantless} lacks the grants), or an access`,
    '                              token minted through /api/data/v1/accesstokens',
    '  Domo CLI (domo publish)     https only: start with a certificate (dev/certificate.mjs) and',
    '                              give the CLI NODE_EXTRA_CA_CERTS (see dev/domo-cli/cli.mjs)',
    `  github-token                ${JOB_TOKEN} (reads run 4242 attempt 1, in progress)`,
    '',
    `Try: DOMO_API_URL=${url} DOMO_INSTANCE=${url} DOMO_CLIENT_ID=${client.id} DOMO_CLIENT_SECRET=${client.secret} DOMO_DEVELOPER_TOKEN=${devToken} npm run smoke`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`domo simulator: ${message(error)}`);
    process.exit(2);
  });
}
