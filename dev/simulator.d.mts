/** Types for dev/simulator.mjs, the local Domo simulator (TypeScript resolves `./simulator.mjs` here). */

export type RouteName =
  | 'token'
  | 'signon'
  | 'create-client'
  | 'delete-client'
  | 'create-dev-token'
  | 'list-dev-tokens'
  | 'delete-dev-token'
  | 'users-me'
  | 'list-access-tokens'
  | 'create-access-token'
  | 'delete-access-token'
  | 'create-design'
  | 'get-design'
  | 'upload-asset'
  | 'github-run'
  | 'api'
  | 'unknown';

export type FaultKind =
  | 'status'
  | 'retry-after'
  | 'html'
  | 'malformed'
  | 'body'
  | 'huge'
  | 'hang'
  | 'slow'
  | 'trickle'
  | 'reset'
  | 'redirect'
  | 'act-then-fail';

export declare const ROUTES: readonly RouteName[];
/** The job's token, as dev/runner.mjs hands it out in place of `${{ github.token }}`. */
export declare const JOB_TOKEN: string;
export declare const FAULT_KINDS: readonly FaultKind[];

export interface FaultSpec {
  kind: FaultKind;
  /** Requests the fault applies to; default 1; Infinity or -1 = forever. */
  times?: number;
  /** status, html (502), retry-after (429), redirect (302), body (200). */
  status?: number;
  /** status: object → JSON, string as is; body: sent verbatim (objects as JSON). */
  body?: unknown;
  /** Extra response headers (status, retry-after, html, body, redirect). */
  headers?: Record<string, string>;
  /** retry-after: the Retry-After header value; default '1'. */
  value?: string | number;
  /** huge: body size; default 5 MB. */
  bytes?: number;
  /** slow: delay before the normal answer (default 1000); trickle: ms per byte (default 500). */
  ms?: number;
  /** redirect: Location; default the same path on http://127.0.0.1:1. */
  location?: string;
  /** act-then-fail: what replaces the answer; default 'reset'. */
  then?: 'reset' | 'hang' | number;
}

export interface SimApiClient {
  id: string;
  secret: string;
  scope: string[];
  userId?: number;
  role?: string;
}

export interface SimUser {
  email: string;
  password: string;
  userId: number;
  /** users/me's `displayName`; `User <id>` when absent. */
  displayName?: string;
  locked?: boolean;
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  /** PEM key and certificate: serve HTTPS. Other https.createServer options pass through. */
  tls?: { key: string | Buffer; cert: string | Buffer; [option: string]: unknown };
  customer?: string;
  clients?: SimApiClient[];
  users?: SimUser[];
  /** Valid `_dsidv1` cookie values → userId. */
  cookies?: Record<string, number>;
  /** Session tokens valid from the start (user 964382593 unless given as an object). */
  sessions?: Array<string | { token: string; userId?: number }>;
  /**
   * Valid developer tokens (X-DOMO-Developer-Token) → userId. Access tokens minted through
   * /api/data/v1/accesstokens (or seeded with addAccessTokens) are accepted as well, until they
   * expire or are deleted.
   */
  developerTokens?: Record<string, number>;
  /**
   * User ids without the "Create API OAuth Clients" and "Manage all access tokens" grants:
   * creating a client, and listing, minting or deleting access tokens, is a 403.
   */
  grantless?: number[];
  /**
   * 'refused': a valid developer token may not create clients (403), though it still works
   * elsewhere (users/me, the list, revocation); 'allowed' by default.
   */
  developerTokenCreate?: 'allowed' | 'refused';
  /** 'refused': minting an access token is a 403 for every credential; 'allowed' by default. */
  accessTokenCreate?: 'allowed' | 'refused';
  /**
   * 'whole-days': a minted token's lifetime (`expires` minus the time the request arrived)
   * must be a whole number of days, give or take a minute, or the answer is a 400; 'any'
   * (default) takes any future time.
   */
  accessTokenLifetime?: 'any' | 'whole-days';
  /** Longest lifetime of a minted token in days (longer: 400); null (default): no limit. */
  accessTokenMaxDays?: number | null;
  /** The answer to deleting an access token the instance does not have: 400 (default) or 404. */
  accessTokenUnknownId?: 400 | 404;
  tokenMethods?: 'both' | 'GET' | 'POST';
  /** The answer to DELETE /clients/{id}, which no public code uses: 404 by default. */
  clientDelete?: 'ok' | 400 | 401 | 403 | 404 | 405;
  /** The instance's API-client list: a bare array (default, as since 2025) or `{ entries }`. */
  listShape?: 'array' | 'entries';
  /** Client ids in that list: in full (default) or shortened, as the admin pages show them. */
  listClientIds?: 'full' | 'shortened';
  rateLimit?: { perSecond?: number; retryAfter?: string | number } | null;
  /** GitHub: the repository whose runs it shows (default octo-org/octo-repo, the emulator's). */
  githubRepository?: string;
  /**
   * GitHub: run attempts ("RUN_ID.ATTEMPT") → status, or { status, conclusion }; an attempt not
   * listed answers 404, as a deleted run does; { httpStatus } answers that status every time;
   * attemptMissing: the attempt answers 404 while the run (GET .../runs/{id}) shows it.
   * Default: the emulator's run 4242.1, in progress.
   */
  githubRuns?: Record<
    string,
    | string
    | { status: unknown; conclusion?: unknown; attemptMissing?: boolean }
    | { httpStatus: number; message?: string }
  >;
  /**
   * GitHub tokens: 'read' reads the runs, 'no-actions' gets 403 (no `actions: read`), 'no-repo'
   * 404 (cannot see the repository); any other token gets 401. Default: JOB_TOKEN reads.
   */
  githubTokens?: Record<string, 'read' | 'no-actions' | 'no-repo'>;
  tokenTtl?: number;
  tokenFormat?: 'jwt' | 'opaque';
  log?: boolean;
}

export interface RecordedRequest {
  route: RouteName;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-case names; repeated headers joined with ', ' (cookies with '; '). */
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
  at: number;
}

export interface CreatedClient {
  client_id: string;
  client_secret: string;
  name: string;
  scope: string[];
  user: number;
  /** The developer-token id that /api/identity/v1/developer-tokens lists it under. */
  tokenId: number;
  deleted: boolean;
  /** Absent for a client made without one. */
  description: string | undefined;
  /** ISO-8601 time of creation. */
  created: string;
  /** The route that created it. */
  via: 'session' | 'developer-token' | 'seed';
}

export interface SimAccessToken {
  /** The numeric id the list shows and DELETE takes. */
  id: number;
  name: string;
  ownerId: number;
  /** Epoch milliseconds. */
  expires: number;
  /** The value, shown by Domo only in the answer that minted it. */
  token: string;
  deleted: boolean;
  /** ISO-8601 time of creation. */
  created: string;
  /** The credential that minted it, or 'seed' for addAccessTokens. */
  via: 'session' | 'developer-token' | 'seed';
}

export interface SimDesignAsset {
  version: string;
  path: string;
  /** Size of the body as received (as UTF-8 text). */
  bytes: number;
  contentType: string | undefined;
  /** Who uploaded it (the user of the credential it carried). */
  userId: number;
}

/** An app design as `domo publish` made it. The credential each call carried: sim.requests. */
export interface SimDesign {
  /** A UUID, which the CLI writes into manifest.json. */
  id: string;
  name: string;
  owner: number;
  latestVersion: string;
  versions: Array<{ version: string; datasetsMapping: unknown[] }>;
  /** The last upload of each (version, path). */
  assets: SimDesignAsset[];
  created: string;
}

export interface SimulatorStats {
  rateLimited: number;
  tokensIssued: number;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly clients: CreatedClient[];
  /** Every access token minted or seeded since the start (or reset), deleted ones included. */
  readonly accessTokens: SimAccessToken[];
  readonly designs: SimDesign[];
  readonly stats: SimulatorStats;
  fault(route: RouteName, spec: FaultSpec | FaultKind): Simulator;
  set(partial: Omit<SimulatorOptions, 'host' | 'port' | 'tls'>): Simulator;
  reset(): Simulator;
  close(): Promise<void>;
  /** Clients made before this run (by earlier jobs or by hand), as the instance lists them. */
  addClients(
    list: Array<{ name: string; description?: string; user?: number; scopes?: string[] }>,
  ): CreatedClient[];
  /**
   * Access tokens made before this run (leftovers for a sweep, or made by hand), as the
   * instance lists them; owner the CI user and expiry 30 days away unless given. Their `token`
   * values authenticate like minted ones.
   */
  addAccessTokens(
    list: Array<{ name: string; ownerId?: number; expires?: number }>,
  ): SimAccessToken[];
}

export declare function startSimulator(options?: SimulatorOptions): Promise<Simulator>;

/** The start-up text: URL, endpoints and accepted credentials. */
export declare function banner(url: string): string;

/** Parses the CLI's `route:kind[:arg][:times]`. */
export declare function parseFaultArg(text: string): { route: string; spec: FaultSpec };
