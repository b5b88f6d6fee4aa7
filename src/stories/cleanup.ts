/**
 * The post step's story: undo what the main step left for this job, so that nothing outlives
 * it: the domo-token folder, the Domo CLI's login files, a minted access token, a created API
 * client. It only cleans up: without saved state it does nothing, and whatever state it finds,
 * it never signs on, creates a client or mints a token. It never fails the job: anything that
 * goes wrong is a warning naming what is left, so that a person can revoke it by hand.
 */
import { restoreLogins } from '../cliLogin.js';
import { listAccessTokens, revokeAccessToken } from '../domo/accessTokens.js';
import type { InstanceAuth } from '../domo/auth.js';
import { findListed, listClients, revokeClient } from '../domo/developerTokens.js';
import { describe, type DomoError } from '../errors.js';
import { createTransport, withLog, type Transport } from '../http.js';
import { debug, info, mask, warning } from '../log.js';
import {
  retryLine,
  systemClock,
  withRetry,
  type Clock,
  type Random,
  type RetryOptions,
} from '../retry.js';
import { readState, type PostState } from '../state.js';
import { removeTokenCommand } from '../tokenCommandFiles.js';

export interface CleanupDeps {
  clock: Clock;
  random: Random;
  transport: (timeoutMs: number) => Transport;
}

const defaultDeps: CleanupDeps = {
  clock: systemClock,
  random: Math.random,
  transport: (timeoutMs) => createTransport({ timeoutMs }),
};

const byHand = (where: string, what: string): string =>
  `Revoke it by hand in ${where}: Admin > Security > Access tokens${what}.`;
const CLIENT_BY_HAND = " (API clients), or Domo's developer portal (My Account > Clients)";

/** What the post step's Domo calls share. */
interface Calls {
  transport: Transport;
  retry: RetryOptions;
  auth: InstanceAuth;
  where: string;
}

export async function cleanup(overrides: Partial<CleanupDeps> = {}): Promise<void> {
  const deps = { ...defaultDeps, ...overrides };
  const state = readState();
  if (!state) {
    debug('The main step left nothing to clean up.');
    return;
  }
  // First of all: this step may quote Domo, and Domo may echo any of the main step's secrets.
  mask(state.credential, state.loginToken, ...state.secrets);
  if (state.tokenCommand)
    info(removeTokenCommand(state.tokenCommand, process.env.RUNNER_TEMP).message);
  restoreCliLogins(state);
  const calls: Calls = {
    transport: withLog(deps.transport(state.timeoutMs), debug, deps.clock.now),
    retry: {
      retries: state.retries,
      safety: 'idempotent',
      clock: deps.clock,
      random: deps.random,
      onRetry: (err: DomoError, waitMs: number, next: number) =>
        info(retryLine(err, waitMs, next, state.retries)),
    },
    auth: { kind: state.authKind, credential: state.credential },
    where: state.instanceUrl || 'Domo',
  };
  if (state.accessTokenId) await revokeMinted(state, calls);
  if (state.clientId) await revokeCreatedClient(state, calls);
}

function restoreCliLogins(state: PostState): void {
  for (const { path, result, error } of restoreLogins(state.logins, state.loginToken)) {
    if (result === 'failed') {
      warning(
        `Could not remove the Domo CLI login ${path} (${error}): delete it by hand; it holds a developer token.`,
      );
    } else {
      info(`Domo CLI login ${path}: ${LOGIN_OUTCOME[result]}.`);
    }
  }
}

const LOGIN_OUTCOME = {
  removed: 'removed',
  restored: 'the earlier login put back',
  'changed, left': 'left as it is (it no longer holds the token this job wrote)',
  gone: 'already gone',
} as const;

/** Revokes the token login mode minted, and confirms it with a fresh list. */
async function revokeMinted(state: PostState, calls: Calls): Promise<void> {
  const { transport, retry, auth, where } = calls;
  const id = state.accessTokenId;
  const label = `Domo access token "${state.accessTokenName}" (id ${id})`;
  try {
    if (!state.credential) throw new Error('the credential that minted it was not kept.');
    await withRetry(() => revokeAccessToken(transport, state.instanceUrl, auth, id), retry);
    const list = await withRetry(() => listAccessTokens(transport, state.instanceUrl, auth), retry);
    if (list.some((entry) => entry.id === id)) {
      warning(`${label} is still listed after the DELETE. ${byHand(where, '')}`);
    } else {
      info(`Revoked ${label}: ${where} no longer lists it.`);
    }
  } catch (err) {
    warning(`Could not revoke ${label}: ${describe(err)} ${byHand(where, '')}`);
  }
}

/** Revokes the client provision mode created, and confirms it with a fresh list. */
async function revokeCreatedClient(state: PostState, calls: Calls): Promise<void> {
  const { transport, retry, auth, where } = calls;
  const label = `"${state.clientName}" (${state.clientId})`;
  if (!state.deleteClient) {
    info(`Leaving Domo API client ${label} in place, as delete-client is false.`);
    return;
  }
  try {
    if (!state.credential) throw new Error('the credential that created it was not kept.');
    const list = () => withRetry(() => listClients(transport, state.instanceUrl, auth), retry);
    const target = { clientId: state.clientId, name: state.clientName, listId: state.listId };

    let id = state.listId;
    if (!id) {
      const entry = findListed(await list(), target);
      if (!entry) {
        info(`Domo API client ${label} is already gone: ${where} no longer lists it.`);
        return;
      }
      if (!entry.id) {
        // A changed or hostile list: whatever it shows is not a safe path segment for a DELETE.
        warning(
          `Domo API client ${label} is still listed, but under an id that is not a plain number (${entry.shownId}); nothing was deleted. ${byHand(where, CLIENT_BY_HAND)}`,
        );
        return;
      }
      id = entry.id;
    }
    // Domo has no such id: gone before this step came. Unless the DELETE was retried: then an
    // earlier attempt most likely worked and only its answer was lost.
    const alreadyGone = await withRetry(
      async (attempt) =>
        (await revokeClient(transport, state.instanceUrl, auth, id)) === 'not-found' &&
        attempt === 1,
      retry,
    );
    const still = findListed(await list(), { ...target, listId: id });
    if (still) {
      const said = alreadyGone ? ' (Domo answered that it has no such id)' : '';
      warning(
        `Domo API client ${label} is still listed (id ${still.id}) after the DELETE${said}. ${byHand(where, CLIENT_BY_HAND)}`,
      );
    } else if (alreadyGone) {
      info(`Domo API client ${label} is already gone: ${where} no longer lists it (id ${id}).`);
    } else {
      info(`Revoked Domo API client ${label}: ${where} no longer lists it (id ${id}).`);
    }
  } catch (err) {
    warning(
      `Could not revoke Domo API client ${label}: ${describe(err)} ${byHand(where, CLIENT_BY_HAND)}`,
    );
  }
}
