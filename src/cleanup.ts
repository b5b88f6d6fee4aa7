/**
 * The post step's story: revoke the client the main step created, so that no credential
 * outlives the job. It never fails the job: anything that goes wrong is a warning naming the
 * client, so that a person can revoke it by hand.
 */
import { readCleanupState } from './config.js';
import { deleteClient } from './domo/clients.js';
import {
  findByClientId,
  listDeveloperTokens,
  revokeDeveloperToken,
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

const BY_HAND =
  "Revoke it by hand: Domo's developer portal (My Account > Clients) or the instance's Admin > Security > Access tokens.";

export async function cleanup(overrides: Partial<CleanupDeps> = {}): Promise<void> {
  const deps = { ...defaultDeps, ...overrides };
  const state = readCleanupState();
  if (!state) {
    debug('No Domo API client was created in this job; nothing to revoke.');
    return;
  }
  mask(state.sessionToken);
  const label = `"${state.clientName}" (${state.clientId})`;
  if (!state.deleteClient) {
    info(`Leaving Domo API client ${label} in place, as delete-client is false.`);
    return;
  }
  try {
    if (!state.sessionToken) throw new Error('the Domo session was not kept');
    const transport = withLog(deps.transport(state.timeoutMs), debug, deps.clock.now);
    const retry = {
      retries: state.retries,
      safety: 'idempotent' as const,
      clock: deps.clock,
      random: deps.random,
      onRetry: (err: DomoError, waitMs: number, next: number) =>
        info(retryLine(err, waitMs, next, state.retries)),
    };
    const session = { sessionToken: state.sessionToken, customerDomain: state.customerDomain };
    const outcome = await withRetry(
      () => deleteClient(transport, state.apiUrl, session, state.clientId),
      retry,
    );
    if (outcome === 'deleted') {
      info(`Revoked Domo API client ${label}.`);
      return;
    }
    debug(
      'DELETE /clients answered 404 or 405; revoking through the instance developer-tokens API.',
    );
    const tokens = await withRetry(
      () => listDeveloperTokens(transport, state.instanceUrl, state.sessionToken),
      retry,
    );
    const entry = findByClientId(tokens, state.clientId);
    if (!entry) {
      warning(
        `Could not revoke Domo API client ${label}: DELETE /clients is not available and the instance lists no developer token for it (it may already be gone). ${BY_HAND}`,
      );
      return;
    }
    await withRetry(
      () => revokeDeveloperToken(transport, state.instanceUrl, state.sessionToken, entry.id),
      retry,
    );
    info(`Revoked Domo API client ${label} (developer token ${entry.id}).`);
  } catch (err) {
    warning(`Could not revoke Domo API client ${label}: ${describe(err)} ${BY_HAND}`);
  }
}
