/**
 * What the main step saves and the post step reads, both directions in one place.
 *
 * GitHub's runner prints every saved value in its debug log (`Save intra-action state NAME =
 * VALUE`), masked only where it was told to mask: so every save first masks every secret this
 * step knows (a token it received and refused included), and then the secrets the value holds.
 * The post step finds nothing when the main step saved nothing; it then does nothing at all.
 */
import * as core from '@actions/core';
import type { SavedLogin } from './cliLogin.js';
import type { InstanceAuthKind } from './domo/auth.js';
import { mask } from './log.js';
import { knownSecrets } from './secrets.js';

export type { SavedLogin };

export interface PostState {
  /** The instance the credential below acts on. */
  instanceUrl: string;
  /** The credential that created what the post step revokes ('' when none was kept). */
  authKind: InstanceAuthKind;
  credential: string;
  retries: number;
  timeoutMs: number;
  /** The main step's secrets: the post step redacts them too, whatever its runner masks. */
  secrets: string[];
  /** Provision mode: the API client it created. */
  clientId: string;
  clientName: string;
  /** The numeric id the instance lists the client under, when creation told it ('' if not). */
  listId: string;
  deleteClient: boolean;
  /** Login mode: the access token it minted ('' when none). */
  accessTokenId: string;
  accessTokenName: string;
  /** Login mode: the Domo CLI login files it wrote, and the token they hold. */
  loginToken: string;
  logins: SavedLogin[];
  /** token-command: the folder that holds `domo-token` ('' when not installed). */
  tokenCommand: string;
}

export const STATE_KEYS = {
  instanceUrl: 'instance-url',
  authKind: 'auth-kind',
  credential: 'credential',
  retries: 'retries',
  timeoutMs: 'timeout-ms',
  secrets: 'secrets',
  clientId: 'client-id',
  clientName: 'client-name',
  listId: 'list-id',
  deleteClient: 'delete-client',
  accessTokenId: 'access-token-id',
  accessTokenName: 'access-token-name',
  loginToken: 'login-token',
  logins: 'logins',
  tokenCommand: 'token-command',
} as const satisfies Record<keyof PostState, string>;

/** Keys whose presence means there is something for the post step to do. */
const WORK: Array<keyof PostState> = ['clientId', 'accessTokenId', 'logins', 'tokenCommand'];

/**
 * Saves `part` for the post step. Throws what the runner's state file threw: the caller knows
 * what already exists on Domo and says so.
 */
export function saveState(part: Partial<PostState>, secrets: string[] = []): void {
  const all = knownSecrets();
  mask(...all, ...secrets, part.credential, part.loginToken);
  const values: Partial<PostState> = { ...part, secrets: knownSecrets() };
  for (const key of Object.keys(values) as Array<keyof PostState>) {
    // @actions/core writes a string as it is and anything else as JSON.
    core.saveState(STATE_KEYS[key], values[key]);
  }
}

/** The post step's input: undefined when the main step saved nothing to clean up. */
export function readState(): PostState | undefined {
  const get = (key: keyof PostState): string => core.getState(STATE_KEYS[key]);
  if (!WORK.some((key) => get(key))) return undefined;
  const retries = Number(get('retries'));
  const timeoutMs = Number(get('timeoutMs'));
  return {
    instanceUrl: get('instanceUrl'),
    authKind: get('authKind') === 'developer-token' ? 'developer-token' : 'session',
    credential: get('credential'),
    // Bad saved state falls back to the defaults rather than stopping the clean-up.
    retries: Number.isInteger(retries) && retries >= 0 && retries <= 20 ? retries : 5,
    timeoutMs: timeoutMs > 0 && timeoutMs <= 600_000 ? timeoutMs : 30_000,
    secrets: jsonList(get('secrets')).filter((v): v is string => typeof v === 'string'),
    clientId: get('clientId'),
    clientName: get('clientName'),
    listId: digits(get('listId')),
    deleteClient: get('deleteClient') === 'true',
    accessTokenId: digits(get('accessTokenId')),
    accessTokenName: get('accessTokenName'),
    loginToken: get('loginToken'),
    logins: jsonList(get('logins')).flatMap((v): SavedLogin[] => {
      const o = Object(v) as Record<string, unknown>;
      const previous = typeof o.previous === 'string' ? o.previous : null;
      const mtime = typeof o.previousMtimeMs === 'number' ? o.previousMtimeMs : null;
      return typeof o.path === 'string' && o.path
        ? [{ path: o.path, previous, previousMtimeMs: mtime }]
        : [];
    }),
    tokenCommand: get('tokenCommand'),
  };
}

/** An id that goes into a URL path: digits only, else ''. */
const digits = (text: string): string => (/^\d+$/.test(text) ? text : '');

function jsonList(json: string): unknown[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}
