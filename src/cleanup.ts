/**
 * The post step's story: revoke the client the main step created, so that no credential
 * outlives the job, and confirm it with a fresh list. It never fails the job: anything that
 * goes wrong is a warning naming the client, so that a person can revoke it by hand.
 */
import { readCleanupState } from './config.js';
import {
  findListed,
  listClients,
  revokeClient,
  type ClientTarget,
  type InstanceAuth,
} from './domo/developerTokens.js';
import { describe, type DomoError } from './errors.js';
import { createTransport, withLog, type Transport } from './http.js';
import { debug, info, mask, warning } from './publish.js';
import { retryLine, systemClock, withRetry, type Clock, type Random } from './retry.js';

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

const byHand = (where: string): string =>
  `Revoke it by hand in ${where}: Admin > Security > Access tokens (API clients), or Domo's developer portal (My Account > Clients).`;

export async function cleanup(overrides: Partial<CleanupDeps> = {}): Promise<void> {
  const deps = { ...defaultDeps, ...overrides };
  const state = readCleanupState();
  if (!state) {
    debug('No Domo API client was created in this job; nothing to revoke.');
    return;
  }
  // First of all: this step may quote Domo, and Domo may echo any of the main step's secrets.
  mask(state.credential, ...state.secrets);
  const label = `"${state.clientName}" (${state.clientId})`;
  if (!state.deleteClient) {
    info(`Leaving Domo API client ${label} in place, as delete-client is false.`);
    return;
  }
  const where = state.instanceUrl || 'Domo';
  try {
    if (!state.credential) throw new Error('the credential that created it was not kept.');
    const transport = withLog(deps.transport(state.timeoutMs), debug, deps.clock.now);
    const retry = {
      retries: state.retries,
      safety: 'idempotent' as const,
      clock: deps.clock,
      random: deps.random,
      onRetry: (err: DomoError, waitMs: number, next: number) =>
        info(retryLine(err, waitMs, next, state.retries)),
    };
    const auth: InstanceAuth = { kind: state.authKind, credential: state.credential };
    const list = () => withRetry(() => listClients(transport, state.instanceUrl, auth), retry);
    const target: ClientTarget = {
      clientId: state.clientId,
      name: state.clientName,
      listId: state.listId,
    };

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
          `Domo API client ${label} is still listed, but under an id that is not a plain number (${entry.shownId}); nothing was deleted. ${byHand(where)}`,
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
        `Domo API client ${label} is still listed (id ${still.id}) after the DELETE${said}. ${byHand(where)}`,
      );
    } else if (alreadyGone) {
      info(`Domo API client ${label} is already gone: ${where} no longer lists it (id ${id}).`);
    } else {
      info(`Revoked Domo API client ${label}: ${where} no longer lists it (id ${id}).`);
    }
  } catch (err) {
    warning(`Could not revoke Domo API client ${label}: ${describe(err)} ${byHand(where)}`);
  }
}
