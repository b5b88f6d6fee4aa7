/**
 * Provision mode's story: a Domo session (or developer token) creates a short-lived API client,
 * whose id and secret then go through token mode's story. The post step revokes the client, so
 * what it needs is saved the moment the client exists.
 */
import type { Config } from '../config.js';
import type { Context } from '../context.js';
import { instanceCredential } from '../credential.js';
import { createClient, warnOfOrphan, type CreatedClient } from '../domo/clients.js';
import { createWithDeveloperToken } from '../domo/developerTokens.js';
import { explainRefusal } from '../domo/refusal.js';
import { currentUser } from '../domo/users.js';
import { ActionError, describe } from '../errors.js';
import { info, mask } from '../log.js';
import { withRetry } from '../retry.js';
import { saveState } from '../state.js';
import { token } from './token.js';

export async function provision(config: Config, ctx: Context): Promise<void> {
  const client = await createOne(config, ctx);
  try {
    await token(config, ctx, client);
  } finally {
    // The post step learns of every secret this step has seen by its end, a token it refused
    // included, whether the step succeeded or not.
    saveState({});
  }
}

async function createOne(config: Config, ctx: Context): Promise<CreatedClient> {
  const p = config.provision!;
  const developer = p.session.kind === 'developer-token';
  // The sign-on comes first, outside the `try` below: its failures cannot have created a client.
  const credential = await instanceCredential(p, ctx.transport, ctx.retry);
  const request = { name: p.clientName, description: p.description, scopes: config.scopes };
  const how = developer ? ' (developer token)' : '';
  info(`Creating Domo API client "${p.clientName}" with scope "${config.scopes.join(' ')}"${how}.`);
  let client: CreatedClient;
  try {
    client = await withRetry(
      () =>
        developer
          ? createWithDeveloperToken(ctx.transport, p.instanceUrl, credential, request)
          : createClient(
              ctx.transport,
              config.apiUrl,
              { sessionToken: credential, customerDomain: p.customerDomain },
              request,
            ),
      ctx.retry('creates'),
    );
  } catch (err) {
    // A refused developer token: Domo is asked once who it belongs to, to say what was refused.
    if (developer) {
      const auth = { kind: 'developer-token' as const, credential };
      await explainRefusal(err, () => currentUser(ctx.transport, p.instanceUrl, auth));
    }
    throw warnOfOrphan(err, p.clientName);
  }
  mask(client.clientSecret);
  const listed = client.listId ? `, id ${client.listId}` : '';
  const label = `"${client.name}" (${client.clientId}${listed})`;
  try {
    saveState({
      instanceUrl: p.instanceUrl,
      authKind: developer ? 'developer-token' : 'session',
      credential: p.deleteClient ? credential : '',
      retries: config.retries,
      timeoutMs: config.timeoutMs,
      clientId: client.clientId,
      clientName: client.name,
      listId: client.listId,
      deleteClient: p.deleteClient,
    });
  } catch (err) {
    throw new ActionError(
      `Created Domo API client ${label}, but could not save what the post step needs to revoke it (${describe(err)}). Revoke it by hand in ${p.instanceUrl}: Admin > Security > Access tokens (API clients).`,
    );
  }
  info(`Created Domo API client ${label}.`);
  return client;
}
